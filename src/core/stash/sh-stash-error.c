/* sh-stash-error.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-stash-error.h"

G_DEFINE_QUARK (sh-stash-error-quark, sh_stash_error)
