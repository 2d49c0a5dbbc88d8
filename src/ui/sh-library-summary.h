/* sh-library-summary.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sh-scene-store-summary.h"
#include "sh-session.h"

G_BEGIN_DECLS

#define SH_TYPE_LIBRARY_SUMMARY (sh_library_summary_get_type ())

G_DECLARE_FINAL_TYPE (ShLibrarySummary, sh_library_summary, SH, LIBRARY_SUMMARY, GtkWidget)

/**
 * ShLibraryStep:
 * @SH_LIBRARY_STEP_NONE: nothing to summarize yet (no session, no scenes, not read yet)
 * @SH_LIBRARY_STEP_CHECK: some scenes were never checked: Check Media comes next
 * @SH_LIBRARY_STEP_GENERATE: every scene was checked and some lack media: Generate
 * @SH_LIBRARY_STEP_COMPLETE: every scene has its generated media
 *
 * What the summary offers to do next.
 */
typedef enum
{
  SH_LIBRARY_STEP_NONE,
  SH_LIBRARY_STEP_CHECK,
  SH_LIBRARY_STEP_GENERATE,
  SH_LIBRARY_STEP_COMPLETE,
} ShLibraryStep;

GtkWidget            *sh_library_summary_new          (void);
ShSession            *sh_library_summary_get_session  (ShLibrarySummary *self);
void                  sh_library_summary_set_session  (ShLibrarySummary *self,
                                                       ShSession        *session);
void                  sh_library_summary_refresh      (ShLibrarySummary *self);
void                  sh_library_summary_set_running  (ShLibrarySummary *self,
                                                       gboolean          checking,
                                                       gboolean          generating);
const ShSceneSummary *sh_library_summary_get_summary  (ShLibrarySummary *self);
ShLibraryStep         sh_library_summary_get_step     (ShLibrarySummary *self);
char                 *sh_library_summary_format_counts (const ShSceneSummary *summary);

G_END_DECLS
