/* sh-application.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SH_TYPE_APPLICATION (sh_application_get_type ())

G_DECLARE_FINAL_TYPE (ShApplication, sh_application, SH, APPLICATION, AdwApplication)

ShApplication *sh_application_new          (void);
GSettings     *sh_application_get_settings (ShApplication *self);

G_END_DECLS
