/* sh-store-error.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-store-error.h"

G_DEFINE_QUARK (sh-store-error-quark, sh_store_error)
