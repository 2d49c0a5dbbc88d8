/* stashhogctl.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "sh-ctl.h"

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("STASHHOG_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* Tests point it at the catalogues of a build tree. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return sh_ctl_main (argc, argv);
}
