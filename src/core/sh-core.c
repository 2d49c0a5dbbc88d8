/* sh-core.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-core.h"
#include "stashhog-core-resources.h"

/**
 * sh_core_init:
 *
 * Registers the core's resources (the GraphQL documents). Safe to call more than once;
 * every program and test that uses the core calls it first.
 */
void
sh_core_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      sh_core_register_resource ();
      g_once_init_leave (&initialized, 1);
    }
}
