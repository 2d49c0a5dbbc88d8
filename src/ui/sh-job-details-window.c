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

#include <glib/gi18n.h>

#include "sh-generate-options.h"
#include "sh-job-details-window.h"
#include "sh-ui-util.h"
#include "sh-window.h"

#define MAX_LIST_ITEMS 20
#define MIN_SWITCHES_AS_LIST 3

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
      append_value (value, node);
      add_row (group, rows, label, value->str);
    }

  gtk_widget_set_visible (GTK_WIDGET (group), members != NULL);
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

static void
sh_job_details_window_update (ShJobDetailsWindow *self)
{
  ShJob *job = self->job;
  const ShJobRecord *record = sh_job_get_record (job);
  ShJobStatus status = sh_job_get_status (job);
  gboolean active = sh_job_is_active (job);
  const char *label = sh_job_type_label (self->info, job);
  const char *error = sh_job_get_error (job);
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
  gtk_label_set_label (self->status_label, sh_job_status_label (status));
  swap_class (GTK_WIDGET (self->status_label), &self->status_class,
              sh_job_status_css_class (status));
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

  gtk_widget_set_visible (self->cancel_button, active);
  gtk_widget_set_sensitive (self->cancel_button, status != SH_JOB_CANCELLING);
  gtk_widget_set_visible (self->retry_button, retryable);
  gtk_widget_set_visible (self->impacted_button, impacted);
  gtk_widget_set_visible (self->action_box, active || retryable || impacted);

  set_value (self->message_row, sh_job_get_message (job));
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

      fill_group (self->result_group, self->result_rows, object);
      g_free (self->shown_result);
      self->shown_result = g_strdup (result);
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

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ShJobDetailsWindow *self = SH_JOB_DETAILS_WINDOW (widget);

  if (self->job != NULL && main_window (self) != NULL)
    sh_window_cancel_job (main_window (self), self->job);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ShJobDetailsWindow *self = SH_JOB_DETAILS_WINDOW (widget);

  if (self->job != NULL && main_window (self) != NULL)
    sh_window_retry_job (main_window (self), self->job);
}

static void
view_impacted_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ShJobDetailsWindow *self = SH_JOB_DETAILS_WINDOW (widget);
  ShWindow *window = main_window (self);

  if (self->job == NULL || window == NULL)
    return;

  sh_window_view_impacted_scenes (window, sh_job_get_id (self->job));
  gtk_window_close (GTK_WINDOW (self));
}

static void
show_parent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ShJobDetailsWindow *self = SH_JOB_DETAILS_WINDOW (widget);

  if (self->job != NULL && sh_job_get_parent_id (self->job) != NULL &&
      main_window (self) != NULL)
    sh_window_show_job (main_window (self), sh_job_get_parent_id (self->job));
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

  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_JOB_DETAILS_WINDOW);

  G_OBJECT_CLASS (sh_job_details_window_parent_class)->dispose (object);
}

static void
sh_job_details_window_finalize (GObject *object)
{
  ShJobDetailsWindow *self = SH_JOB_DETAILS_WINDOW (object);

  g_clear_pointer (&self->parameter_rows, g_ptr_array_unref);
  g_clear_pointer (&self->result_rows, g_ptr_array_unref);
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

  gtk_widget_class_install_action (widget_class, "details.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "details.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "details.view-impacted", NULL,
                                   view_impacted_action);
  gtk_widget_class_install_action (widget_class, "details.show-parent", NULL,
                                   show_parent_action);
  gtk_widget_class_install_action (widget_class, "details.copy", "s", copy_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sh_job_details_window_init (ShJobDetailsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->parameter_rows = g_ptr_array_new ();
  self->result_rows = g_ptr_array_new ();
}
