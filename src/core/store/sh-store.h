/* sh-store.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sh-database.h"

G_BEGIN_DECLS

#define SH_TYPE_STORE (sh_store_get_type ())

G_DECLARE_DERIVABLE_TYPE (ShStore, sh_store, SH, STORE, GObject)

struct _ShStoreClass
{
  GObjectClass parent_class;

  /*< private >*/
  gpointer     padding[4];
};

ShDatabase *sh_store_get_database (ShStore *self);

G_END_DECLS
