/* sh-background.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_TYPE_BACKGROUND (sh_background_get_type ())

G_DECLARE_FINAL_TYPE (ShBackground, sh_background, SH, BACKGROUND, GObject)

ShBackground *sh_background_new            (GApplication *application,
                                            GSettings    *settings);
gboolean      sh_background_get_active     (ShBackground *self);
void          sh_background_release        (ShBackground *self);
char         *sh_background_dup_autostart_path (void);

G_END_DECLS
