/* sh-generate-dialog.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n.h>

#include "sh-generate-dialog.h"
#include "sh-generate-options.h"
#include "sh-job-error.h"
#include "sh-scene-store-summary.h"
#include "sh-ui-util.h"

/**
 * ShGenerateDialog:
 *
 * Asks what Stash's Generate task should make, and for which scenes (the selection, or
 * every scene that is not generated), then creates the `stash_generate` job and starts it.
 * The dialog closes as soon as the job exists; the Jobs view follows it from there. When
 * Stash cannot take the job (a Generate is already active, say), the dialog stays open and
 * says why.
 *
 * A mirror takes a scene for not generated until a Check has asked Stash about it. When
 * the target holds scenes no Check has seen, the dialog says so and offers Check First
 * (a Check of the same scenes) as the default, so that Enter does not send a library that
 * Stash has mostly made already to be generated again.
 */

/* Options that most people leave alone: behind "Advanced". */
static const char * const advanced_options[] = {
  "imagePreviews", "markerImagePreviews", "transcodes", "forceTranscodes",
  "interactiveHeatmapsSpeeds", "clipPreviews", "imageThumbnails", NULL
};

#define DEFAULT_SEGMENTS      SH_GENERATE_DEFAULT_PREVIEW_SEGMENTS
#define DEFAULT_DURATION      SH_GENERATE_DEFAULT_PREVIEW_SEGMENT_DURATION
#define DEFAULT_EXCLUDE       SH_GENERATE_DEFAULT_PREVIEW_EXCLUDE
#define DEFAULT_PRESET        SH_GENERATE_DEFAULT_PREVIEW_PRESET

/* How the encoder's presets read in the dialog. */
static const struct
{
  const char *preset;
  const char *label;
} preset_labels[] = {
  { "ultrafast", N_("Ultra Fast") },
  { "veryfast", N_("Very Fast") },
  { "fast", N_("Fast") },
  { "medium", N_("Medium") },
  { "slow", N_("Slow") },
  { "slower", N_("Slower") },
  { "veryslow", N_("Very Slow") },
};

/* What the dialog can generate for; the target drop-down lists those that apply. */
typedef enum
{
  TARGET_SELECTION,
  TARGET_NOT_GENERATED,
  TARGET_FAILING,
} Target;

struct _ShGenerateDialog
{
  AdwWindow            parent_instance;

  ShSession           *session;       /* (owned) */
  GArray              *scene_ids;     /* (owned) of gint64: the selection, maybe empty */
  GArray              *failing_ids;   /* (owned) (nullable) of gint64, once read */
  Target               target;
  Target               targets[3];    /* the drop-down's positions */
  guint                n_targets;
  GHashTable          *switches;      /* (owned) option name → GtkSwitch */
  GCancellable        *cancellable;   /* (owned) */
  GCancellable        *target_cancellable; /* (owned) (nullable) the target's summary read */
  guint64              unchecked;     /* of the target, never checked; G_MAXUINT64 unknown */
  GSettings           *settings;      /* (owned) */
  gboolean             starting;
  gboolean             invalid;       /* an option typed is not valid */
  gboolean             closed;

  /* Template widgets */
  GtkButton           *start_button;
  GtkSpinner          *spinner;
  AdwPreferencesPage  *preferences_page;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_title;
  GtkLabel            *error_label;
  GtkRevealer         *unchecked_revealer;
  GtkLabel            *unchecked_label;
  GtkButton           *check_first_button;
  AdwActionRow        *target_row;
  GtkDropDown         *target_dropdown;
  AdwPreferencesGroup *media_group;
  AdwPreferencesGroup *previews_group;
  GtkSpinButton       *segments_spin;
  GtkSpinButton       *duration_spin;
  GtkEntry            *exclude_start_entry;
  GtkEntry            *exclude_end_entry;
  AdwComboRow         *preset_row;
  AdwPreferencesGroup *overwrite_group;
  GtkSwitch           *mark_succeeded_switch;
};

G_DEFINE_FINAL_TYPE (ShGenerateDialog, sh_generate_dialog, ADW_TYPE_WINDOW)

enum {
  JOB_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Options ----------------------------------------------------------------------------- */

static GtkWidget *
option_row_new (ShGenerateDialog       *self,
                const ShGenerateOption *option)
{
  GtkWidget *row;
  GtkWidget *toggle;

  toggle = gtk_switch_new ();
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), option->default_value);
  gtk_widget_set_tooltip_text (toggle, option->default_value ? _("On by default")
                                                             : _("Off by default"));
  /* Its name is the row's title (the row makes it its activatable widget, which labels
   * it by the title): a label of its own as well was read twice ("Covers Covers"). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(option->description),
                                  -1);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(option->label));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(option->description));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);

  g_hash_table_insert (self->switches, (gpointer)option->name, toggle);

  return row;
}

static void
build_option_rows (ShGenerateDialog *self)
{
  const ShGenerateOption *options;
  GtkWidget *advanced;
  guint n_options;

  options = sh_generate_options_get_all (&n_options);

  advanced = adw_expander_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (advanced), _("Advanced"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (advanced),
                                 _("Transcodes, animated images, heatmaps and image media"));

  for (guint i = 0; i < n_options; i++)
    {
      GtkWidget *row = option_row_new (self, &options[i]);

      if (g_str_equal (options[i].name, "overwrite"))
        adw_preferences_group_add (self->overwrite_group, row);
      else if (g_strv_contains (advanced_options, options[i].name))
        adw_expander_row_add_row (ADW_EXPANDER_ROW (advanced), row);
      else
        adw_preferences_group_add (self->media_group, row);
    }

  adw_preferences_group_add (self->media_group, advanced);

  /* The preview options only matter when previews are made. */
  g_object_bind_property (g_hash_table_lookup (self->switches, "previews"), "active",
                          self->previews_group, "sensitive",
                          G_BINDING_SYNC_CREATE);
}

static guint
default_preset_position (void)
{
  const char * const *presets = sh_generate_options_get_presets ();

  for (guint i = 0; presets[i] != NULL; i++)
    if (g_str_equal (presets[i], DEFAULT_PRESET))
      return i;

  return 0;
}

static void
restore_defaults (ShGenerateDialog *self)
{
  const ShGenerateOption *options;
  guint n_options;

  options = sh_generate_options_get_all (&n_options);
  for (guint i = 0; i < n_options; i++)
    gtk_switch_set_active (g_hash_table_lookup (self->switches, options[i].name),
                           options[i].default_value);

  gtk_spin_button_set_value (self->segments_spin, DEFAULT_SEGMENTS);
  gtk_spin_button_set_value (self->duration_spin, DEFAULT_DURATION);
  gtk_editable_set_text (GTK_EDITABLE (self->exclude_start_entry), DEFAULT_EXCLUDE);
  gtk_editable_set_text (GTK_EDITABLE (self->exclude_end_entry), DEFAULT_EXCLUDE);
  adw_combo_row_set_selected (self->preset_row, default_preset_position ());
}

/* Fills the options @options has (`stash_generate` parameters: flags and previewOptions),
 * leaving the others as they are. */
static void
apply_options (ShGenerateDialog *self,
               JsonObject       *options)
{
  const char * const *presets = sh_generate_options_get_presets ();
  const ShGenerateOption *all;
  JsonObject *preview = NULL;
  JsonNode *node;
  guint n_options;

  all = sh_generate_options_get_all (&n_options);
  for (guint i = 0; i < n_options; i++)
    {
      node = json_object_get_member (options, all[i].name);
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        gtk_switch_set_active (g_hash_table_lookup (self->switches, all[i].name),
                               json_node_get_boolean (node));
    }

  node = json_object_get_member (options, "previewOptions");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    preview = json_node_get_object (node);
  if (preview == NULL)
    return;

  node = json_object_get_member (preview, "previewSegments");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    gtk_spin_button_set_value (self->segments_spin, json_node_get_int (node));
  node = json_object_get_member (preview, "previewSegmentDuration");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_DOUBLE ||
       json_node_get_value_type (node) == G_TYPE_INT64))
    gtk_spin_button_set_value (self->duration_spin, json_node_get_double (node));
  node = json_object_get_member (preview, "previewExcludeStart");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    gtk_editable_set_text (GTK_EDITABLE (self->exclude_start_entry), json_node_get_string (node));
  node = json_object_get_member (preview, "previewExcludeEnd");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    gtk_editable_set_text (GTK_EDITABLE (self->exclude_end_entry), json_node_get_string (node));
  node = json_object_get_member (preview, "previewPreset");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    for (guint i = 0; presets[i] != NULL; i++)
      if (g_str_equal (presets[i], json_node_get_string (node)))
        adw_combo_row_set_selected (self->preset_row, i);
}

/* The options of the last Generate started here: most people want the same again. */
static void
restore_saved_options (ShGenerateDialog *self)
{
  g_autofree char *saved = g_settings_get_string (self->settings, "generate-options");
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (saved == NULL || *saved == '\0')
    return;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, saved, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    apply_options (self, json_node_get_object (root));
}

static void
save_options (ShGenerateDialog *self,
              JsonObject       *parameters)
{
  g_autoptr(JsonObject) options = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autoptr(GList) members = json_object_get_members (parameters);

  /* Not the scenes, nor “mark succeeded”, which has its own key. */
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "sceneIDs") && !g_str_equal (l->data, "mark_succeeded"))
      json_object_set_member (options, l->data,
                              json_node_copy (json_object_get_member (parameters, l->data)));

  json_node_set_object (node, options);
  text = json_to_string (node, FALSE);
  g_settings_set_string (self->settings, "generate-options", text);
}

static void show_error         (ShGenerateDialog *self,
                                const char       *title,
                                const char       *message);
static void hide_error         (ShGenerateDialog *self);
static void update_sensitivity (ShGenerateDialog *self);

static void
stash_defaults_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ShGenerateDialog) self = user_data;
  g_autoptr(JsonObject) options = NULL;
  g_autoptr(GError) error = NULL;

  options = sh_stash_client_generate_defaults_finish (SH_STASH_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->closed)
    return;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "generate.stash-defaults", TRUE);
  if (options == NULL)
    {
      show_error (self, _("Could Not Read Stash’s Defaults"), error->message);
      return;
    }

  apply_options (self, options);
}

/* A skip that Stash would refuse is flagged as it is typed, and Start waits for a valid
 * one. */
static void
check_entry (GtkEntry *entry,
             gboolean *valid)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  gboolean ok = sh_generate_options_is_valid_exclude (text);

  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                               ok ? GTK_ACCESSIBLE_INVALID_FALSE : GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
  *valid = *valid && ok;
}

static void
on_exclude_changed (ShGenerateDialog *self)
{
  gboolean valid = TRUE;

  check_entry (self->exclude_start_entry, &valid);
  check_entry (self->exclude_end_entry, &valid);
  self->invalid = !valid;
  update_sensitivity (self);
}

/* Target ------------------------------------------------------------------------------ */

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ShGenerateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  guint64 count = 0;

  if (!sh_scene_store_count_finish (SH_SCENE_STORE (object), result, &count, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->closed)
        return;
      subtitle = g_strdup_printf (_("Could not count them: %s"), error->message);
    }
  else if (self->closed)
    return;
  else
    /* Translators: %'lu is a number of scenes, with thousands separators */
    subtitle = g_strdup_printf (ngettext ("%'lu scene is not generated yet",
                                          "%'lu scenes are not generated yet", count),
                                (gulong) count);

  adw_action_row_set_subtitle (self->target_row, subtitle);
}


static void
failing_ids_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ShGenerateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *subtitle = NULL;

  ids = sh_scene_store_list_ids_finish (SH_SCENE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->closed)
    return;

  if (ids == NULL)
    subtitle = g_strdup_printf (_("Could not list them: %s"), error->message);
  else if (ids->len == 0)
    subtitle = g_strdup (_("No scene is failing"));
  else
    /* Translators: %'u is a number of scenes, with thousands separators */
    subtitle = g_strdup_printf (ngettext ("%'u scene failed to generate repeatedly",
                                          "%'u scenes failed to generate repeatedly", ids->len),
                                ids->len);

  g_clear_pointer (&self->failing_ids, g_array_unref);
  self->failing_ids = ids != NULL ? g_steal_pointer (&ids)
                                  : g_array_new (FALSE, FALSE, sizeof (gint64));
  if (self->target == TARGET_FAILING)
    adw_action_row_set_subtitle (self->target_row, subtitle);
  update_sensitivity (self);
}

/* Which of Start and Check First Enter presses, and which looks like the next step. */
static void
set_default_button (ShGenerateDialog *self,
                    GtkButton        *button)
{
  GtkButton *other = button == self->start_button ? self->check_first_button
                                                  : self->start_button;
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  gtk_widget_remove_css_class (GTK_WIDGET (other), "suggested-action");
  gtk_widget_add_css_class (GTK_WIDGET (button), "suggested-action");
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (button));
  if (focus == NULL || focus == GTK_WIDGET (other))
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (button));
}

static void
show_unchecked (ShGenerateDialog *self,
                guint64           unchecked)
{
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  self->unchecked = unchecked;
  if (unchecked == 0 || unchecked == G_MAXUINT64)
    {
      gtk_revealer_set_reveal_child (self->unchecked_revealer, FALSE);
      set_default_button (self, self->start_button);
      return;
    }

  count = sh_format_count ((gint64) unchecked);
  /* Translators: %s is a number of scenes, with thousands separators */
  text = g_strdup_printf (ngettext ("%s of these scenes was never checked; Stash may already "
                                    "have its media.",
                                    "%s of these scenes were never checked; Stash may already "
                                    "have their media.", unchecked),
                          count);
  gtk_label_set_label (self->unchecked_label, text);
  gtk_revealer_set_reveal_child (self->unchecked_revealer, TRUE);
  set_default_button (self, self->check_first_button);
}

static void
target_summarized_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ShGenerateDialog) self = user_data;
  g_autoptr(ShSceneSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = sh_scene_store_summarize_finish (SH_SCENE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->closed)
    return;

  if (summary == NULL)
    {
      /* Not worth an error: the target's own count says the database is unwell. */
      g_debug ("Could not summarize the target: %s", error->message);
      return;
    }

  show_unchecked (self, self->target == TARGET_SELECTION
                        ? summary->scenes - MIN (summary->checked, summary->scenes)
                        : summary->incomplete_unchecked);
}

/* How many scenes of the target no Check has seen. The failing scenes are not asked about:
 * their Generates were verified, so what they lack is known. */
static void
summarize_target (ShGenerateDialog *self)
{
  ShSceneStore *store = sh_session_get_scene_store (self->session);

  g_cancellable_cancel (self->target_cancellable);
  g_clear_object (&self->target_cancellable);
  show_unchecked (self, G_MAXUINT64);

  if (store == NULL || self->target == TARGET_FAILING)
    return;

  self->target_cancellable = g_cancellable_new ();
  sh_scene_store_summarize_async (store, sh_session_get_server_id (self->session),
                                  self->target == TARGET_SELECTION
                                  ? (const gint64 *) self->scene_ids->data : NULL,
                                  self->target == TARGET_SELECTION ? self->scene_ids->len : 0,
                                  self->target_cancellable, target_summarized_cb,
                                  g_object_ref (self));
}

static void
update_target (ShGenerateDialog *self)
{
  ShSceneStore *store = sh_session_get_scene_store (self->session);

  summarize_target (self);

  if (self->target == TARGET_SELECTION)
    {
      g_autofree char *title = NULL;

      /* Translators: %'u is a number of scenes, with thousands separators */
      title = g_strdup_printf (ngettext ("%'u Selected Scene", "%'u Selected Scenes",
                                         self->scene_ids->len),
                               self->scene_ids->len);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->target_row), title);
      adw_action_row_set_subtitle (self->target_row, _("The scenes selected in the list"));
      return;
    }

  if (self->target == TARGET_FAILING)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->target_row),
                                     _("Failing Scenes"));
      adw_action_row_set_subtitle (self->target_row, _("Counting…"));
      g_clear_pointer (&self->failing_ids, g_array_unref);
      if (store != NULL)
        sh_scene_store_list_ids_async (store, sh_session_get_server_id (self->session),
                                       SH_GENERATED_FAILING, NULL, NULL, SH_SCENE_SORT_ID,
                                       FALSE, self->cancellable, failing_ids_cb,
                                       g_object_ref (self));
      return;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->target_row),
                                 _("All Scenes Without Generated Media"));
  adw_action_row_set_subtitle (self->target_row, _("Counting…"));

  if (store != NULL)
    sh_scene_store_count_async (store, sh_session_get_server_id (self->session),
                                SH_GENERATED_NO, self->cancellable, count_cb,
                                g_object_ref (self));
}

static void
on_target_selected (ShGenerateDialog *self)
{
  guint position = gtk_drop_down_get_selected (self->target_dropdown);

  if (position >= self->n_targets || self->targets[position] == self->target)
    return;

  self->target = self->targets[position];
  hide_error (self);
  update_target (self);
  update_sensitivity (self);
}

/* The choices: the selection when there is one (first: that is why the dialog opened),
 * every scene not generated yet, and the scenes that keep failing. */
static void
setup_targets (ShGenerateDialog *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  self->n_targets = 0;
  if (self->scene_ids->len > 0)
    {
      self->targets[self->n_targets++] = TARGET_SELECTION;
      gtk_string_list_append (labels, C_("generate target", "Selection"));
    }
  self->targets[self->n_targets++] = TARGET_NOT_GENERATED;
  gtk_string_list_append (labels, C_("generate target", "Not Generated"));
  self->targets[self->n_targets++] = TARGET_FAILING;
  gtk_string_list_append (labels, C_("generate target", "Failing"));

  self->target = self->targets[0];
  gtk_drop_down_set_model (self->target_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->target_dropdown, 0);
  g_signal_connect_object (self->target_dropdown, "notify::selected",
                           G_CALLBACK (on_target_selected), self, G_CONNECT_SWAPPED);
  update_target (self);
}

/* Start ------------------------------------------------------------------------------- */

static void
show_error (ShGenerateDialog *self,
            const char       *title,
            const char       *message)
{
  gtk_label_set_label (self->error_title, title);
  gtk_label_set_label (self->error_label, message);
  /* Above the scrolled options, where it is seen wherever they are scrolled to. */
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
hide_error (ShGenerateDialog *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
update_sensitivity (ShGenerateDialog *self)
{
  /* The failing scenes are listed before there is anything to start. */
  gboolean ready = self->target != TARGET_FAILING ||
                   (self->failing_ids != NULL && self->failing_ids->len > 0);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "generate.start",
                                 !self->starting && ready && !self->invalid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "generate.check-first", !self->starting);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->starting);
  gtk_spinner_set_spinning (self->spinner, self->starting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->preferences_page), !self->starting);
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ShGenerateDialog) self = user_data;
  ShJobManager *manager = SH_JOB_MANAGER (object);
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = sh_job_manager_start_finish (manager, result, &error);
  self->starting = FALSE;

  if (job == NULL)
    {
      if (self->closed)
        return;

      if (g_error_matches (error, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT))
        show_error (self, _("A Generate Job Is Already Active"), error->message);
      else
        show_error (self, _("Could Not Start Generating"), error->message);
      update_sensitivity (self);
      return;
    }

  /* Running even when the dialog was closed meanwhile: the user asked for it, and a
   * pending job left behind would block every later Generate. */
  if (self->closed)
    return;

  {
    g_autoptr(JsonObject) parameters = sh_job_dup_parameters (job);

    if (parameters != NULL)
      save_options (self, parameters);
  }

  g_signal_emit (self, signals[JOB_CREATED], 0, job);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Scene ids as both Stash and the Check take them: strings. */
static JsonArray *
ids_to_json (GArray *scene_ids)
{
  guint n_ids = scene_ids != NULL ? scene_ids->len : 0;
  JsonArray *ids = json_array_sized_new (n_ids);

  for (guint i = 0; i < n_ids; i++)
    {
      char text[24];

      g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, g_array_index (scene_ids, gint64, i));
      json_array_add_string_element (ids, text);
    }

  return ids;
}

/**
 * sh_generate_dialog_dup_parameters:
 * @self: a #ShGenerateDialog
 *
 * Returns: (transfer full): the `stash_generate` parameters the dialog shows, not
 *   validated yet
 */
JsonObject *
sh_generate_dialog_dup_parameters (ShGenerateDialog *self)
{
  const char * const *presets = sh_generate_options_get_presets ();
  const ShGenerateOption *options;
  g_autoptr(JsonObject) parameters = json_object_new ();
  g_autofree char *exclude_start = NULL;
  g_autofree char *exclude_end = NULL;
  JsonObject *preview;
  guint n_options;
  guint preset;

  g_return_val_if_fail (SH_IS_GENERATE_DIALOG (self), NULL);

  options = sh_generate_options_get_all (&n_options);
  for (guint i = 0; i < n_options; i++)
    json_object_set_boolean_member (parameters, options[i].name,
                                    gtk_switch_get_active (g_hash_table_lookup (self->switches,
                                                                                options[i].name)));

  /* Typed values count even when the spin button has not taken them yet. */
  gtk_spin_button_update (self->segments_spin);
  gtk_spin_button_update (self->duration_spin);
  exclude_start = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->exclude_start_entry)));
  exclude_end = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->exclude_end_entry)));
  g_strstrip (exclude_start);
  g_strstrip (exclude_end);
  preset = adw_combo_row_get_selected (self->preset_row);

  preview = json_object_new ();
  json_object_set_int_member (preview, "previewSegments",
                              gtk_spin_button_get_value_as_int (self->segments_spin));
  json_object_set_double_member (preview, "previewSegmentDuration",
                                 gtk_spin_button_get_value (self->duration_spin));
  json_object_set_string_member (preview, "previewExcludeStart", exclude_start);
  json_object_set_string_member (preview, "previewExcludeEnd", exclude_end);
  json_object_set_string_member (preview, "previewPreset",
                                 preset < g_strv_length ((char **)presets) ? presets[preset]
                                                                           : DEFAULT_PRESET);
  json_object_set_object_member (parameters, "previewOptions", preview);
  json_object_set_boolean_member (parameters, "mark_succeeded",
                                  gtk_switch_get_active (self->mark_succeeded_switch));

  if (self->target != TARGET_NOT_GENERATED)
    json_object_set_array_member (parameters, "sceneIDs",
                                  ids_to_json (self->target == TARGET_SELECTION
                                               ? self->scene_ids : self->failing_ids));

  return g_steal_pointer (&parameters);
}

/**
 * sh_generate_dialog_start:
 * @self: a #ShGenerateDialog
 *
 * What Start does: checks the options, creates the `stash_generate` job and runs it, then
 * closes the dialog; or shows why not and stays open.
 */
void
sh_generate_dialog_start (ShGenerateDialog *self)
{
  g_autoptr(JsonObject) parameters = NULL;
  g_autoptr(GError) error = NULL;
  ShJobManager *manager;

  g_return_if_fail (SH_IS_GENERATE_DIALOG (self));

  if (self->starting)
    return;

  hide_error (self);

  parameters = sh_generate_dialog_dup_parameters (self);
  if (!sh_generate_options_validate (parameters, &error))
    {
      show_error (self, _("Check the Options"), error->message);
      return;
    }

  manager = sh_session_get_job_manager (self->session);
  if (manager == NULL)
    {
      show_error (self, _("Not Connected"),
                  _("StashHog is not connected to a Stash server. Connect in Preferences, "
                    "then try again."));
      return;
    }

  self->starting = TRUE;
  update_sensitivity (self);

  /* The one way to start a job. No cancellable: once the job is in the database it must
   * run, even if the dialog is closed meanwhile. */
  sh_job_manager_start_async (manager, SH_JOB_TYPE_GENERATE, parameters, NULL, started_cb,
                              g_object_ref (self));
}

static void
check_started_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ShGenerateDialog) self = user_data;
  g_autoptr(ShJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = sh_job_manager_start_finish (SH_JOB_MANAGER (object), result, &error);
  self->starting = FALSE;

  if (self->closed)
    return;

  if (job == NULL)
    {
      if (g_error_matches (error, SH_JOB_ERROR, SH_JOB_ERROR_CONFLICT))
        show_error (self, _("A Check Is Already Active"), error->message);
      else
        show_error (self, _("Could Not Start the Check"), error->message);
      update_sensitivity (self);
      return;
    }

  g_signal_emit (self, signals[JOB_CREATED], 0, job);
  gtk_window_destroy (GTK_WINDOW (self));
}

/**
 * sh_generate_dialog_check_first:
 * @self: a #ShGenerateDialog
 *
 * What Check First does: starts a Check of the target instead of a Generate (of the
 * selected scenes, or of the whole library for every scene not generated), then closes
 * the dialog; or shows why not and stays open.
 */
void
sh_generate_dialog_check_first (ShGenerateDialog *self)
{
  g_autoptr(JsonObject) parameters = json_object_new ();
  ShJobManager *manager;

  g_return_if_fail (SH_IS_GENERATE_DIALOG (self));

  if (self->starting)
    return;

  hide_error (self);

  manager = sh_session_get_job_manager (self->session);
  if (manager == NULL)
    {
      show_error (self, _("Not Connected"),
                  _("StashHog is not connected to a Stash server. Connect in Preferences, "
                    "then try again."));
      return;
    }

  if (self->target == TARGET_SELECTION)
    json_object_set_array_member (parameters, "scene_ids", ids_to_json (self->scene_ids));

  self->starting = TRUE;
  update_sensitivity (self);

  sh_job_manager_start_async (manager, SH_JOB_TYPE_CHECK, parameters, NULL, check_started_cb,
                              g_object_ref (self));
}

/**
 * sh_generate_dialog_get_unchecked:
 * @self: a #ShGenerateDialog
 *
 * Returns: how many scenes of the target no Check has seen (0 for the failing scenes), or
 *   %G_MAXUINT64 while they are being counted
 */
guint64
sh_generate_dialog_get_unchecked (ShGenerateDialog *self)
{
  g_return_val_if_fail (SH_IS_GENERATE_DIALOG (self), G_MAXUINT64);

  return self->target == TARGET_FAILING ? 0 : self->unchecked;
}

/* GObject ----------------------------------------------------------------------------- */

static void
check_first_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  sh_generate_dialog_check_first (SH_GENERATE_DIALOG (widget));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  sh_generate_dialog_start (SH_GENERATE_DIALOG (widget));
}

static void
restore_defaults_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  restore_defaults (SH_GENERATE_DIALOG (widget));
}

static void
stash_defaults_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ShGenerateDialog *self = SH_GENERATE_DIALOG (widget);
  ShStashClient *client = sh_session_get_client (self->session);

  if (client == NULL)
    return;

  hide_error (self);
  gtk_widget_action_set_enabled (widget, "generate.stash-defaults", FALSE);
  sh_stash_client_generate_defaults_async (client, self->cancellable, stash_defaults_cb,
                                           g_object_ref (self));
}

static void
sh_generate_dialog_dispose (GObject *object)
{
  ShGenerateDialog *self = (ShGenerateDialog *)object;

  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->target_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_GENERATE_DIALOG);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (sh_generate_dialog_parent_class)->dispose (object);
}

static void
sh_generate_dialog_finalize (GObject *object)
{
  ShGenerateDialog *self = (ShGenerateDialog *)object;

  g_clear_pointer (&self->scene_ids, g_array_unref);
  g_clear_pointer (&self->failing_ids, g_array_unref);
  g_clear_pointer (&self->switches, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->target_cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sh_generate_dialog_parent_class)->finalize (object);
}

static void
sh_generate_dialog_class_init (ShGenerateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_generate_dialog_dispose;
  object_class->finalize = sh_generate_dialog_finalize;

  /**
   * ShGenerateDialog::job-created:
   * @self: the dialog
   * @job: the new job, already started: the `stash_generate` job, or the
   *   `check_stash_generate` job of Check First
   *
   * Emitted just before the dialog closes.
   */
  signals[JOB_CREATED] =
    g_signal_new ("job-created",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SH_TYPE_JOB);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/sh-generate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, preferences_page);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, error_title);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, unchecked_revealer);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, unchecked_label);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, check_first_button);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, media_group);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, previews_group);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, segments_spin);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, exclude_start_entry);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, exclude_end_entry);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, preset_row);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, overwrite_group);
  gtk_widget_class_bind_template_child (widget_class, ShGenerateDialog, mark_succeeded_switch);

  gtk_widget_class_install_action (widget_class, "generate.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "generate.check-first", NULL,
                                   check_first_action);
  gtk_widget_class_install_action (widget_class, "generate.restore-defaults", NULL,
                                   restore_defaults_action);
  gtk_widget_class_install_action (widget_class, "generate.stash-defaults", NULL,
                                   stash_defaults_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sh_generate_dialog_init (ShGenerateDialog *self)
{
  g_autoptr(GtkStringList) presets = NULL;

  self->switches = g_hash_table_new (g_str_hash, g_str_equal);
  self->scene_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cancellable = g_cancellable_new ();
  self->unchecked = G_MAXUINT64;

  gtk_widget_init_template (GTK_WIDGET (self));

  build_option_rows (self);

  presets = gtk_string_list_new (NULL);
  for (const char * const *p = sh_generate_options_get_presets (); *p != NULL; p++)
    {
      const char *label = *p;

      for (guint i = 0; i < G_N_ELEMENTS (preset_labels); i++)
        if (g_str_equal (preset_labels[i].preset, *p))
          label = _(preset_labels[i].label);
      gtk_string_list_append (presets, label);
    }
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (presets));
  adw_combo_row_set_selected (self->preset_row, default_preset_position ());

  /* Enter starts (unless the target holds scenes never checked, see show_unchecked());
   * focus on Cancel would make it cancel instead. */
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->start_button));
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->start_button));

  /* A choice about how the user wants failures handled, not about one run: remembered. */
  self->settings = g_settings_new (BASE_ID);
  g_settings_bind (self->settings, "generate-mark-succeeded", self->mark_succeeded_switch,
                   "active", G_SETTINGS_BIND_DEFAULT);
  restore_saved_options (self);

  g_signal_connect_object (self->exclude_start_entry, "changed",
                           G_CALLBACK (on_exclude_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->exclude_end_entry, "changed",
                           G_CALLBACK (on_exclude_changed), self, G_CONNECT_SWAPPED);
  on_exclude_changed (self);
}

/**
 * sh_generate_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @session: an open session
 * @scene_ids: (array length=n_ids) (nullable): the scenes to generate for
 * @n_ids: their number; 0 for every scene that is not generated
 *
 * Returns: (transfer full): a new dialog, for the caller to present
 */
ShGenerateDialog *
sh_generate_dialog_new (GtkWindow    *parent,
                        ShSession    *session,
                        const gint64 *scene_ids,
                        guint         n_ids)
{
  ShGenerateDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SH_IS_SESSION (session), NULL);
  g_return_val_if_fail (scene_ids != NULL || n_ids == 0, NULL);

  self = g_object_new (SH_TYPE_GENERATE_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->session = g_object_ref (session);
  if (n_ids > 0)
    g_array_append_vals (self->scene_ids, scene_ids, n_ids);

  setup_targets (self);

  return self;
}
