/* sh-preferences-window.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sh-application.h"

G_BEGIN_DECLS

#define SH_TYPE_PREFERENCES_WINDOW (sh_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (ShPreferencesWindow, sh_preferences_window, SH, PREFERENCES_WINDOW, AdwPreferencesWindow)

ShPreferencesWindow *sh_preferences_window_new (ShApplication *application);

G_END_DECLS
