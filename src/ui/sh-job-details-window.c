/* sh-job-details-window.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything about one job: status and progress (live), error, parameters, result,
 * timings and the Stash job id, with Cancel, Retry and View Impacted Scenes. The actions
 * are the main window's; this window only asks it.
 */

#include "config.h"

#include "sh-types.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "sh-application.h"
#include "sh-generate-options.h"
#include "sh-job-details-window.h"
#include "sh-media-checker.h"
#include "sh-ui-util.h"
#include "sh-window.h"

#define MAX_LIST_ITEMS 20
#define MIN_SWITCHES_AS_LIST 3
/* Failed scenes listed; the rest are counted. */
#define MAX_FAILED_ROWS 50

struct _ShJobDetailsWindow
{
  AdwWindow            parent_instance;

  ShJob               *job;               /* (owned) (nullable) */
  const ShJobTypeInfo *info;              /* (nullable) */
  gulong               notify_id;
  const char          *status_class;
  const char          *type_class;
  GPtrArray           *parameter_rows;    /* (owned) */
  GPtrArray           *result_rows;       /* (owned) */
  char                *shown_parameters;  /* (owned) (nullable) what the rows show */
  char                *shown_result;      /* (owned) (nullable) */
  GPtrArray           *failed_rows;       /* (owned) */
  GCancellable        *failures_cancellable; /* (owned) (nullable) the job's failures */
  guint64              n_failed;          /* as the result says */

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  GtkImage            *type_icon;
  GtkLabel            *title_label;
  GtkLabel            *status_label;
  GtkWidget           *progress_box;
  GtkProgressBar      *progress_bar;
  GtkLabel            *progress_label;
  GtkWidget           *error_group;
  GtkLabel            *error_label;
  GtkWidget           *action_box;
  GtkWidget           *cancel_button;
  GtkWidget           *retry_button;
  GtkWidget           *impacted_button;
  AdwActionRow        *message_row;
  AdwActionRow        *counts_row;
  AdwActionRow        *stash_row;
  GtkWidget           *stash_copy_button;
  AdwActionRow        *id_row;
  GtkWidget           *id_copy_button;
  AdwActionRow        *parent_row;
  AdwActionRow        *created_row;
  AdwActionRow        *started_row;
  AdwActionRow        *finished_row;
  AdwActionRow        *duration_row;
  AdwPreferencesGroup *parameters_group;
  AdwPreferencesGroup *result_group;
  AdwPreferencesGroup *failed_group;
  GtkWidget           *retry_failed_button;
};

G_DEFINE_FINAL_TYPE (ShJobDetailsWindow, sh_job_details_window, ADW_TYPE_WINDOW)

/**
 * sh_job_details_window_new:
 * @parent: the main window, whose actions the buttons use
 *
 * Returns: (transfer full): a new details window, showing no job yet
 */
ShJobDetailsWindow *
sh_job_details_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);

  return g_object_new (SH_TYPE_JOB_DETAILS_WINDOW,
                       "transient-for", parent,
                       "application", gtk_window_get_application (parent),
                       NULL);
}

/**
 * sh_job_details_window_get_job:
 * @self: a #ShJobDetailsWindow
 *
 * Returns: (transfer none) (nullable): the job shown
 */
ShJob *
sh_job_details_window_get_job (ShJobDetailsWindow *self)
{
  g_return_val_if_fail (SH_IS_JOB_DETAILS_WINDOW (self), NULL);

  return self->job;
}

void
sh_job_details_window_add_toast (ShJobDetailsWindow *self,
                                 AdwToast           *toast)
{
  g_return_if_fail (SH_IS_JOB_DETAILS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Values */

static const struct
{
  const char *key;
  const char *label;
} key_labels[] = {
  { "full", N_("Full Sync") },
  { "sceneIDs", N_("Scenes") },
  { "scene_ids", N_("Scenes") },
  { "kinds", N_("Media Checked") },
  { "previewOptions", N_("Preview Options") },
  { "previewSegments", N_("Preview Segments") },
  { "previewSegmentDuration", N_("Preview Segment Duration") },
  { "previewExcludeStart", N_("Skipped at the Start") },
  { "previewExcludeEnd", N_("Skipped at the End") },
  { "previewPreset", N_("Encoder Preset") },
  { "job_id", N_("Job") },
  { "stash_job_id", N_("Stash Job") },
  { "status", N_("Outcome") },
  { "scenes_tracked", N_("Scenes Without Generated Media") },
  { "scenes_updated_count", N_("Scenes Marked Generated") },
  { "scenes_verified", N_("Scenes Verified") },
  { "scenes_failed", N_("Scenes Still Lacking Media") },
  { "scenes_removed", N_("Scenes Gone From Stash") },
  { "errors", N_("Errors") },
  { "mark_succeeded", N_("Also Mark Scenes That Succeeded") },
  { "retry_failed_of", N_("Failed Scenes Of") },
  { "start_time", N_("Started in Stash") },
  { "end_time", N_("Ended in Stash") },
  { "new_scenes", N_("New Scenes") },
  { "steps", N_("Steps") },
  { "checked", N_("Scenes Checked") },
  { "complete", N_("Complete") },
  { "incomplete", N_("Incomplete") },
  { "missing", N_("Missing") },
  { "samples", N_("Examples") },
  { "requests", N_("Requests to Stash") },
  { "error", N_("Error") },
};

/* A result's `status`, as a user reads it. */
static const struct
{
  const char *value;
  const char *label;
} status_labels[] = {
  { "completed", N_("Completed") },
  { "completed_with_errors", N_("Completed with errors") },
  { "failed", N_("Failed") },
  { "cancelled", N_("Cancelled") },
};

static const char *
label_for_status (const char *value)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_labels); i++)
    if (g_str_equal (value, status_labels[i].value))
      return _(status_labels[i].label);

  return value;
}

static char *
label_for_key (const char *key)
{
  const ShGenerateOption *options;
  guint n_options;
  char *label;

  for (guint i = 0; i < G_N_ELEMENTS (key_labels); i++)
    {
      if (g_str_equal (key, key_labels[i].key))
        return g_strdup (_(key_labels[i].label));
    }

  options = sh_generate_options_get_all (&n_options);
  for (guint i = 0; i < n_options; i++)
    {
      if (g_str_equal (key, options[i].name))
        return g_strdup (_(options[i].label));
    }

  /* Something newer than this table: “scenes_added” → “Scenes added”. */
  label = g_strdelimit (g_strdup (key), "_", ' ');
  label[0] = g_ascii_toupper (label[0]);
  return label;
}

static void append_value (GString  *out,
                          JsonNode *node);

static void
append_scalar (GString  *out,
               JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? _("Yes") : _("No"));
  else if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    g_string_append_printf (out, "%g", json_node_get_double (node));
  else if (type == G_TYPE_STRING)
    g_string_append (out, json_node_get_string (node));
}

static void
append_value (GString  *out,
              JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "—");
      break;

    case JSON_NODE_VALUE:
      append_scalar (out, node);
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        if (n == 0)
          {
            g_string_append (out, _("None"));
            break;
          }

        for (guint i = 0; i < n && i < MAX_LIST_ITEMS; i++)
          {
            if (i > 0)
              g_string_append (out, ", ");
            append_value (out, json_array_get_element (array, i));
          }
        if (n > MAX_LIST_ITEMS)
          g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, " and %u more",
                                                    " and %u more", n - MAX_LIST_ITEMS),
                                  n - MAX_LIST_ITEMS);
      }
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        if (members == NULL)
          g_string_append (out, _("None"));

        for (GList *l = members; l != NULL; l = l->next)
          {
            g_autofree char *label = label_for_key (l->data);

            if (l != members)
              g_string_append (out, "; ");
            g_string_append_printf (out, "%s: ", label);
            append_value (out, json_object_get_member (object, l->data));
          }
      }
      break;

    default:
      break;
    }
}

static void
set_value (AdwActionRow *row,
           const char   *value)
{
  gboolean present = value != NULL && *value != '\0';

  adw_action_row_set_subtitle (row, present ? value : "—");
}

static void
add_row (AdwPreferencesGroup *group,
         GPtrArray           *rows,
         const char          *title,
         const char          *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property-row");
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
}

static void
fill_group (AdwPreferencesGroup *group,
            GPtrArray           *rows,
            JsonObject          *object)
{
  g_autoptr(GList) members = NULL;
  guint n_switches = 0;

  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);

  if (object != NULL)
    members = json_object_get_members (object);

  /* Many switches (Generate's options) read better as one list of those turned on. */
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (object, l->data);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        n_switches++;
    }

  if (n_switches >= MIN_SWITCHES_AS_LIST)
    {
      g_autoptr(GString) on = g_string_new (NULL);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *node = json_object_get_member (object, l->data);
          g_autofree char *label = NULL;

          if (!JSON_NODE_HOLDS_VALUE (node) ||
              json_node_get_value_type (node) != G_TYPE_BOOLEAN ||
              !json_node_get_boolean (node))
            continue;

          label = label_for_key (l->data);
          if (on->len > 0)
            g_string_append (on, ", ");
          g_string_append (on, label);
        }

      add_row (group, rows, _("Turned On"), on->len > 0 ? on->str : _("None"));
    }

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (object, l->data);
      g_autoptr(GString) value = NULL;
      g_autofree char *label = NULL;

      if (n_switches >= MIN_SWITCHES_AS_LIST && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        continue;

      value = g_string_new (NULL);
      label = label_for_key (l->data);
      if (g_str_equal (l->data, "status") && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append (value, label_for_status (json_node_get_string (node)));
      else
        append_value (value, node);
      add_row (group, rows, label, value->str);
    }

  gtk_widget_set_visible (GTK_WIDGET (group), members != NULL);
}

static gint64
get_count (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;

  return json_node_get_int (node);
}

/* A Generate's verification in one line: “36 verified, 4 failed, 0 removed”. */
static char *
format_verification (JsonObject *result)
{
  gint64 verified = get_count (result, "scenes_verified");
  gint64 failed = get_count (result, "scenes_failed");
  gint64 removed = get_count (result, "scenes_removed");

  if (verified < 0 || failed < 0)
    return NULL;

  /* Translators: a Generate's outcome per scene, such as “36 verified, 4 failed, 0 removed”;
   * removed scenes are those Stash no longer has */
  return g_strdup_printf (_("%'" PRId64 " verified, %'" PRId64 " failed, "
                            "%'" PRId64 " removed"),
                          verified, failed, MAX (removed, 0));
}

static void
swap_class (GtkWidget   *widget,
            const char **current,
            const char  *wanted)
{
  if (*current == wanted)
    return;
  if (*current != NULL)
    gtk_widget_remove_css_class (widget, *current);
  gtk_widget_add_css_class (widget, wanted);
  *current = wanted;
}

/* Failed scenes */

static ShSession *
get_session (ShJobDetailsWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return SH_IS_APPLICATION (app) ? sh_application_get_session (SH_APPLICATION (app)) : NULL;
}

static void
clear_failed_rows (ShJobDetailsWindow *self)
{
  for (guint i = 0; i < self->failed_rows->len; i++)
    adw_preferences_group_remove (self->failed_group, g_ptr_array_index (self->failed_rows, i));
  g_ptr_array_set_size (self->failed_rows, 0);
}

static GtkWidget *
failure_row_new (const ShSceneFailure *failure,
                 const ShSceneRecord  *scene)
{
  g_autofree char *title = NULL;
  g_autofree char *missing = sh_media_kind_dup_labels (failure->missing != NULL
                                                       ? failure->missing : "");
  g_autofree char *subtitle = NULL;
  GtkWidget *row;

  /* Translators: a scene without a title, such as “Scene 12” */
  g_autofree char *bare = g_strdup_printf (_("Scene %" PRId64), failure->scene_id);

  /* A title that only repeats the id is said once. */
  if (scene != NULL && g_strcmp0 (scene->title, bare) == 0)
    title = g_steal_pointer (&bare);
  else if (scene != NULL && scene->title != NULL && *scene->title != '\0')
    /* Translators: a scene, such as “Scene 12 · A Day at the Beach” */
    title = g_strdup_printf (_("Scene %" PRId64 " · %s"), failure->scene_id,
                             scene->title);
  else if (scene != NULL && scene->path != NULL && *scene->path != '\0')
    {
      g_autofree char *base = g_path_get_basename (scene->path);

      title = g_strdup_printf (_("Scene %" PRId64 " · %s"), failure->scene_id, base);
    }
  else
    title = g_steal_pointer (&bare);

  /* Translators: %s lists media kinds, such as “preview video, cover” */
  subtitle = g_strdup_printf (_("Lacks %s"), *missing != '\0' ? missing : _("some media"));

  if (failure->errors != NULL && *failure->errors != '\0')
    {
      GtkWidget *label = gtk_label_new (failure->errors);

      row = adw_expander_row_new ();
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_add_css_class (label, "failure-log");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Stash’s log about it"),
                                      -1);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), label);
    }
  else
    {
      row = adw_action_row_new ();
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "failed-scene");

  return row;
}

typedef struct
{
  ShJobDetailsWindow *self;      /* (owned) */
  GPtrArray          *failures;  /* (owned) of ShSceneFailure */
} FailuresData;

static void
failures_data_free (FailuresData *data)
{
  g_clear_object (&data->self);
  g_clear_pointer (&data->failures, g_ptr_array_unref);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FailuresData, failures_data_free)

static void
show_failures (ShJobDetailsWindow *self,
               GPtrArray          *failures,
               GPtrArray          *scenes)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *description = NULL;
  g_autoptr(JsonObject) result = NULL;

  clear_failed_rows (self);

  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    {
      ShSceneRecord *scene = g_ptr_array_index (scenes, i);

      g_hash_table_insert (by_id, &scene->id, scene);
    }

  for (guint i = 0; i < failures->len; i++)
    {
      ShSceneFailure *failure = g_ptr_array_index (failures, i);
      GtkWidget *row = failure_row_new (failure, g_hash_table_lookup (by_id,
                                                                      &failure->scene_id));

      adw_preferences_group_add (self->failed_group, row);
      g_ptr_array_add (self->failed_rows, row);
    }

  if (self->n_failed > failures->len)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *more = NULL;
      guint64 n_more = self->n_failed - failures->len;

      /* Translators: %'lu is a number of failed scenes not listed */
      more = g_strdup_printf (ngettext ("And %'lu more scene", "And %'lu more scenes", n_more),
                              (gulong) n_more);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), more);
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (self->failed_group, row);
      g_ptr_array_add (self->failed_rows, row);
    }

  result = sh_job_dup_result (self->job);
  description = format_verification (result);
  adw_preferences_group_set_description (self->failed_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->failed_group), failures->len > 0);
}

static void
get_scenes_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FailuresData) data = user_data;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;

  scenes = sh_scene_store_get_scenes_finish (SH_SCENE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Without their titles the scenes are still worth listing, by id. */
  if (error != NULL)
    g_debug ("Could not read the failed scenes: %s", error->message);

  show_failures (data->self, data->failures, scenes);
}

static void
list_failures_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FailuresData) data = user_data;
  ShJobDetailsWindow *self = data->self;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  ShSession *session;

  data->failures = sh_job_store_list_failures_finish (SH_JOB_STORE (object), result, &error);
  if (data->failures == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }

  session = get_session (self);
  if (session == NULL || data->failures->len == 0)
    {
      show_failures (self, data->failures, NULL);
      return;
    }

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), data->failures->len);
  for (guint i = 0; i < data->failures->len; i++)
    g_array_append_val (ids, ((ShSceneFailure *) g_ptr_array_index (data->failures, i))->scene_id);

  sh_scene_store_get_scenes_async (sh_session_get_scene_store (session),
                                   sh_session_get_server_id (session),
                                   (const gint64 *) ids->data, ids->len,
                                   self->failures_cancellable, get_scenes_cb,
                                   g_steal_pointer (&data));
}

static void
load_failures (ShJobDetailsWindow *self)
{
  ShSession *session = get_session (self);
  FailuresData *data;

  if (self->failures_cancellable != NULL)
    g_cancellable_cancel (self->failures_cancellable);
  g_clear_object (&self->failures_cancellable);

  if (self->n_failed == 0 || session == NULL || sh_job_is_active (self->job))
    {
      clear_failed_rows (self);
      gtk_widget_set_visible (GTK_WIDGET (self->failed_group), FALSE);
      return;
    }

  self->failures_cancellable = g_cancellable_new ();
  data = g_new0 (FailuresData, 1);
  data->self = g_object_ref (self);
  sh_job_store_list_failures_async (sh_job_manager_get_job_store (sh_session_get_job_manager (session)),
                                    sh_job_get_id (self->job), 0, MAX_FAILED_ROWS,
                                    self->failures_cancellable, list_failures_cb, data);
}

static void
sh_job_details_window_update (ShJobDetailsWindow *self)
{
  ShJob *job = self->job;
  const ShJobRecord *record = sh_job_get_record (job);
  ShJobStatus status = sh_job_get_status (job);
  gboolean active = sh_job_is_active (job);
  const char *label = sh_job_type_label (self->info, job);
  g_autofree char *error = sh_job_dup_error_display (job);
  g_autofree char *message = sh_job_dup_message_display (job);
  g_autoptr(GString) progress = g_string_new (NULL);
  g_autofree char *counts = sh_job_format_counts (job, self->info);
  g_autofree char *created = sh_format_time (record->created_at);
  g_autofree char *started = NULL;
  g_autofree char *finished = NULL;
  g_autofree char *duration = NULL;
  gboolean retryable = status == SH_JOB_FAILED || status == SH_JOB_CANCELLED;
  gboolean impacted = status == SH_JOB_COMPLETED && sh_job_get_scenes_updated (job) > 0;
  const char *parameters = record->parameters;
  const char *result = record->result;

  gtk_label_set_label (self->title_label, label);
  gtk_label_set_label (self->status_label, sh_job_outcome_label (job));
  swap_class (GTK_WIDGET (self->status_label), &self->status_class,
              sh_job_outcome_css_class (job));
  gtk_image_set_from_icon_name (self->type_icon, sh_job_type_icon_name (self->info));
  swap_class (GTK_WIDGET (self->type_icon), &self->type_class,
              sh_job_type_css_class (sh_job_get_job_type (job)));

  /* Progress, while it runs. */
  gtk_widget_set_visible (self->progress_box, active);
  if (sh_job_get_progress (job) >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   CLAMP (sh_job_get_progress (job) / 100.0, 0.0, 1.0));
  else
    gtk_progress_bar_pulse (self->progress_bar);
  if (counts != NULL)
    g_string_append (progress, counts);
  if (sh_job_get_sub_task (job) != NULL)
    g_string_append_printf (progress, "%s%s", progress->len > 0 ? " · " : "",
                            sh_job_get_sub_task (job));
  if (active && sh_job_get_eta (job) >= 0)
    {
      g_autofree char *eta = sh_format_eta (sh_job_get_eta (job));

      g_string_append_printf (progress, "%s%s", progress->len > 0 ? " · " : "", eta);
    }
  gtk_label_set_label (self->progress_label, progress->str);

  gtk_widget_set_visible (self->error_group, error != NULL && *error != '\0');
  gtk_label_set_label (self->error_label, error != NULL ? error : "");

  {
    /* The job's own actions act on this job. */
    GtkWidget *buttons[] = {
      self->cancel_button, self->retry_button, self->impacted_button, self->retry_failed_button,
    };

    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      gtk_actionable_set_action_target (GTK_ACTIONABLE (buttons[i]), "s", sh_job_get_id (job));
  }
  gtk_widget_set_visible (self->cancel_button, active);
  gtk_widget_set_sensitive (self->cancel_button, status != SH_JOB_CANCELLING);
  gtk_widget_set_visible (self->retry_button, retryable);
  gtk_widget_set_visible (self->impacted_button, impacted);
  gtk_widget_set_visible (self->action_box, active || retryable || impacted);

  set_value (self->message_row, message);
  set_value (self->counts_row, counts);
  set_value (self->stash_row, sh_job_get_stash_job_id (job));
  gtk_widget_set_visible (GTK_WIDGET (self->stash_row), sh_job_get_stash_job_id (job) != NULL);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->stash_copy_button), "s",
                                    sh_job_get_stash_job_id (job) != NULL
                                    ? sh_job_get_stash_job_id (job) : "");
  set_value (self->id_row, sh_job_get_id (job));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->id_copy_button), "s",
                                    sh_job_get_id (job));
  set_value (self->parent_row, sh_job_get_parent_id (job));
  if (sh_job_get_parent_id (job) != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->parent_row), "s",
                                      sh_job_get_parent_id (job));
  gtk_widget_set_visible (GTK_WIDGET (self->parent_row), sh_job_get_parent_id (job) != NULL);

  set_value (self->created_row, created);
  if (record->started_at > 0)
    started = sh_format_time (record->started_at);
  set_value (self->started_row, started);
  if (record->completed_at > 0 && !active)
    finished = sh_format_time (record->completed_at);
  set_value (self->finished_row, finished);
  if (record->started_at > 0)
    {
      gint64 end = record->completed_at > 0 && !active ? record->completed_at
                                                        : g_get_real_time ();

      duration = sh_format_duration ((end - record->started_at) / G_USEC_PER_SEC);
    }
  set_value (self->duration_row, duration);

  /* Rebuilt only when they change: the rest of the job changes several times a second. */
  if (g_strcmp0 (parameters, self->shown_parameters) != 0)
    {
      g_autoptr(JsonObject) object = sh_job_dup_parameters (job);

      fill_group (self->parameters_group, self->parameter_rows, object);
      g_free (self->shown_parameters);
      self->shown_parameters = g_strdup (parameters);
    }
  if (g_strcmp0 (result, self->shown_result) != 0)
    {
      g_autoptr(JsonObject) object = sh_job_dup_result (job);
      g_autofree char *verification = format_verification (object);

      fill_group (self->result_group, self->result_rows, object);
      if (verification != NULL)
        {
          /* First, where it is read before the raw numbers: the others go after it. */
          add_row (self->result_group, self->result_rows, _("Verification"), verification);
          for (guint i = 0; i + 1 < self->result_rows->len; i++)
            {
              GtkWidget *row = g_ptr_array_index (self->result_rows, i);

              g_object_ref (row);
              adw_preferences_group_remove (self->result_group, row);
              adw_preferences_group_add (self->result_group, row);
              g_object_unref (row);
            }
        }
      g_free (self->shown_result);
      self->shown_result = g_strdup (result);

      self->n_failed = MAX (get_count (object, "scenes_failed"), 0);
      load_failures (self);
    }

  gtk_widget_set_visible (self->retry_failed_button, !active && self->n_failed > 0);

  /* With failed scenes, retrying them is the next step; retrying the whole job is not. */
  if (!active && self->n_failed > 0)
    {
      gtk_widget_add_css_class (self->retry_failed_button, "suggested-action");
      gtk_widget_remove_css_class (self->retry_button, "suggested-action");
    }
  else
    {
      gtk_widget_remove_css_class (self->retry_failed_button, "suggested-action");
      gtk_widget_add_css_class (self->retry_button, "suggested-action");
    }
}

static void
on_job_notify (ShJob              *job,
               GParamSpec         *pspec,
               ShJobDetailsWindow *self)
{
  sh_job_details_window_update (self);
}

/**
 * sh_job_details_window_set_job:
 * @self: a #ShJobDetailsWindow
 * @job: the job to show
 * @info: (nullable): its type
 */
void
sh_job_details_window_set_job (ShJobDetailsWindow  *self,
                               ShJob               *job,
                               const ShJobTypeInfo *info)
{
  g_return_if_fail (SH_IS_JOB_DETAILS_WINDOW (self));
  g_return_if_fail (SH_IS_JOB (job));

  if (self->job != NULL)
    g_clear_signal_handler (&self->notify_id, self->job);
  g_set_object (&self->job, job);
  self->info = info;
  g_clear_pointer (&self->shown_parameters, g_free);
  g_clear_pointer (&self->shown_result, g_free);
  self->n_failed = 0;
  load_failures (self);
  fill_group (self->parameters_group, self->parameter_rows, NULL);
  fill_group (self->result_group, self->result_rows, NULL);

  self->notify_id = g_signal_connect (job, "notify", G_CALLBACK (on_job_notify), self);
  sh_job_details_window_update (self);
}

/* Actions */

static ShWindow *
main_window (ShJobDetailsWindow *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  return SH_IS_WINDOW (parent) ? SH_WINDOW (parent) : NULL;
}

/* The job actions are the main window's ("win.cancel-job" and the others, with a job id):
 * the buttons here name them, and this passes them on, so that a job is cancelled or
 * retried in one place whichever window the click came from. */
static const char * const window_actions[] = {
  "win.cancel-job", "win.retry-job", "win.retry-failed", "win.view-impacted", "win.show-job",
};

static void
window_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShWindow *window = main_window (SH_JOB_DETAILS_WINDOW (widget));

  if (window != NULL)
    gtk_widget_activate_action_variant (GTK_WIDGET (window), action_name, parameter);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ShJobDetailsWindow *self = SH_JOB_DETAILS_WINDOW (widget);
  const char *text = g_variant_get_string (parameter, NULL);

  if (*text == '\0')
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied")));
}

static void
sh_job_details_window_dispose (GObject *object)
{
  ShJobDetailsWindow *self = SH_JOB_DETAILS_WINDOW (object);

  if (self->job != NULL)
    g_clear_signal_handler (&self->notify_id, self->job);
  g_clear_object (&self->job);
  if (self->failures_cancellable != NULL)
    g_cancellable_cancel (self->failures_cancellable);
  g_clear_object (&self->failures_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_JOB_DETAILS_WINDOW);

  G_OBJECT_CLASS (sh_job_details_window_parent_class)->dispose (object);
}

static void
sh_job_details_window_finalize (GObject *object)
{
  ShJobDetailsWindow *self = SH_JOB_DETAILS_WINDOW (object);

  g_clear_pointer (&self->parameter_rows, g_ptr_array_unref);
  g_clear_pointer (&self->result_rows, g_ptr_array_unref);
  g_clear_pointer (&self->failed_rows, g_ptr_array_unref);
  g_clear_pointer (&self->shown_parameters, g_free);
  g_clear_pointer (&self->shown_result, g_free);

  G_OBJECT_CLASS (sh_job_details_window_parent_class)->finalize (object);
}

static void
sh_job_details_window_class_init (ShJobDetailsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_job_details_window_dispose;
  object_class->finalize = sh_job_details_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/sh-job-details-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, type_icon);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, error_group);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, action_box);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, impacted_button);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, message_row);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, counts_row);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, stash_row);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, stash_copy_button);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, id_row);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, id_copy_button);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, parent_row);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, created_row);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, started_row);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, finished_row);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, duration_row);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, parameters_group);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, result_group);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, failed_group);
  gtk_widget_class_bind_template_child (widget_class, ShJobDetailsWindow, retry_failed_button);

  for (guint i = 0; i < G_N_ELEMENTS (window_actions); i++)
    gtk_widget_class_install_action (widget_class, window_actions[i], "s", window_action);
  gtk_widget_class_install_action (widget_class, "details.copy", "s", copy_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sh_job_details_window_init (ShJobDetailsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->parameter_rows = g_ptr_array_new ();
  self->result_rows = g_ptr_array_new ();
  self->failed_rows = g_ptr_array_new ();
}
