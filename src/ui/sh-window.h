/* sh-window.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sh-application.h"

G_BEGIN_DECLS

#define SH_TYPE_WINDOW (sh_window_get_type ())

G_DECLARE_FINAL_TYPE (ShWindow, sh_window, SH, WINDOW, AdwApplicationWindow)

ShWindow   *sh_window_new                   (ShApplication *application);
const char *sh_window_get_visible_view      (ShWindow      *self);
void        sh_window_add_toast             (ShWindow      *self,
                                             AdwToast      *toast);
void        sh_window_offer_sync            (ShWindow      *self,
                                             const char    *version);
void        sh_window_run_job               (ShWindow      *self,
                                             const char    *type,
                                             JsonObject    *parameters);
void        sh_window_show_job              (ShWindow      *self,
                                             const char    *job_id);
void        sh_window_cancel_job            (ShWindow      *self,
                                             ShJob         *job);
void        sh_window_retry_job             (ShWindow      *self,
                                             ShJob         *job);
void        sh_window_retry_failed_scenes   (ShWindow      *self,
                                             const char    *job_id);
void        sh_window_view_impacted_scenes  (ShWindow      *self,
                                             const char    *job_id);
GtkWindow  *sh_window_get_details_window    (ShWindow      *self);
void        sh_window_set_server_check_interval (ShWindow  *self,
                                                 guint      seconds);

G_END_DECLS
