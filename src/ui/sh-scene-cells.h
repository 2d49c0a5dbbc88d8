/* sh-scene-cells.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  SH_SCENE_CELL_ID,
  SH_SCENE_CELL_TITLE,
  SH_SCENE_CELL_PATH,
  SH_SCENE_CELL_GENERATED,
  SH_SCENE_CELL_LAST_SYNCED,
} ShSceneCell;

void sh_scene_cells_setup (GtkColumnViewColumn *column,
                           ShSceneCell          kind);

G_END_DECLS
