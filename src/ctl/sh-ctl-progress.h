/* sh-ctl-progress.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-job.h"

G_BEGIN_DECLS

/**
 * ShCtlProgressMode:
 * @SH_CTL_PROGRESS_TERMINAL: one line redrawn in place, at most every 100 ms
 * @SH_CTL_PROGRESS_PLAIN: a line per change of state at once; progress alone at most once
 *   a second
 * @SH_CTL_PROGRESS_JSON: one JSON object per line, at most every 100 ms
 */
typedef enum
{
  SH_CTL_PROGRESS_TERMINAL,
  SH_CTL_PROGRESS_PLAIN,
  SH_CTL_PROGRESS_JSON,
} ShCtlProgressMode;

typedef void (*ShCtlProgressWrite) (const char *text,
                                    gpointer    user_data);

typedef struct _ShCtlProgress ShCtlProgress;

ShCtlProgress *sh_ctl_progress_new    (ShJob              *job,
                                       ShCtlProgressMode   mode,
                                       ShCtlProgressWrite  write,
                                       gpointer            user_data);
void           sh_ctl_progress_finish (ShCtlProgress      *self);
void           sh_ctl_progress_free   (ShCtlProgress      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShCtlProgress, sh_ctl_progress_free)

G_END_DECLS
