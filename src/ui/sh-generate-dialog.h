/* sh-generate-dialog.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sh-session.h"

G_BEGIN_DECLS

#define SH_TYPE_GENERATE_DIALOG (sh_generate_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ShGenerateDialog, sh_generate_dialog, SH, GENERATE_DIALOG, AdwWindow)

ShGenerateDialog *sh_generate_dialog_new           (GtkWindow        *parent,
                                                    ShSession        *session,
                                                    const gint64     *scene_ids,
                                                    guint             n_ids);
JsonObject       *sh_generate_dialog_dup_parameters (ShGenerateDialog *self);
void              sh_generate_dialog_start         (ShGenerateDialog *self);
void              sh_generate_dialog_check_first   (ShGenerateDialog *self);
guint64           sh_generate_dialog_get_unchecked (ShGenerateDialog *self);

G_END_DECLS
