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

ShWindow   *sh_window_new              (ShApplication *application);
const char *sh_window_get_visible_view (ShWindow      *self);

G_END_DECLS
