/* sh-job.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A job as the UI and stashhogctl see it: the `job` row as properties, plus what is only
 * interesting while it runs (Stash's current sub-task, the time left). `notify` drives the
 * UI and the manager's coalesced persistence.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sh-job.h"

struct _ShJob
{
  GObject      parent_instance;

  ShJobRecord *record;    /* (owned) */
  ShJobStatus  status;
  char        *sub_task;  /* (owned) (nullable) */
  gint64       eta;       /* seconds, -1 unknown */
  gint64       unreachable_since;  /* real time, 0 while Stash answers */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_JOB_TYPE,
  PROP_STATUS,
  PROP_PROGRESS,
  PROP_PROCESSED_ITEMS,
  PROP_TOTAL_ITEMS,
  PROP_MESSAGE,
  PROP_ERROR,
  PROP_SUB_TASK,
  PROP_ETA,
  PROP_STASH_JOB_ID,
  PROP_RESULT,
  PROP_UNREACHABLE_SINCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ShJob, sh_job, G_TYPE_OBJECT)

static const char * const status_names[] = {
  [SH_JOB_PENDING] = "pending",
  [SH_JOB_RUNNING] = "running",
  [SH_JOB_CANCELLING] = "cancelling",
  [SH_JOB_COMPLETED] = "completed",
  [SH_JOB_FAILED] = "failed",
  [SH_JOB_CANCELLED] = "cancelled",
};

const char *
sh_job_status_to_string (ShJobStatus status)
{
  g_return_val_if_fail (status <= SH_JOB_CANCELLED, NULL);

  return status_names[status];
}

gboolean
sh_job_status_from_string (const char  *string,
                           ShJobStatus *status)
{
  for (guint i = 0; string != NULL && i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_str_equal (string, status_names[i]))
        {
          *status = i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
sh_job_finalize (GObject *object)
{
  ShJob *self = SH_JOB (object);

  g_clear_pointer (&self->record, sh_job_record_free);
  g_clear_pointer (&self->sub_task, g_free);

  G_OBJECT_CLASS (sh_job_parent_class)->finalize (object);
}

static void
sh_job_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  ShJob *self = SH_JOB (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->record->id);
      break;

    case PROP_JOB_TYPE:
      g_value_set_string (value, self->record->type);
      break;

    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, self->record->progress);
      break;

    case PROP_PROCESSED_ITEMS:
      g_value_set_int64 (value, self->record->processed_items);
      break;

    case PROP_TOTAL_ITEMS:
      g_value_set_int64 (value, self->record->total_items);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->record->message);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->record->error);
      break;

    case PROP_SUB_TASK:
      g_value_set_string (value, self->sub_task);
      break;

    case PROP_ETA:
      g_value_set_int64 (value, self->eta);
      break;

    case PROP_STASH_JOB_ID:
      g_value_set_string (value, self->record->stash_job_id);
      break;

    case PROP_RESULT:
      g_value_set_string (value, self->record->result);
      break;

    case PROP_UNREACHABLE_SINCE:
      g_value_set_int64 (value, self->unreachable_since);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_job_class_init (ShJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sh_job_finalize;
  object_class->get_property = sh_job_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_JOB_TYPE] = g_param_spec_string ("job-type", NULL, NULL, NULL, flags);
  /* An int rather than an enum GType: the values are ShJobStatus. */
  properties[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL, 0, SH_JOB_CANCELLED, 0,
                                              flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, -1, 100, 0, flags);
  properties[PROP_PROCESSED_ITEMS] = g_param_spec_int64 ("processed-items", NULL, NULL,
                                                         -1, G_MAXINT64, -1, flags);
  properties[PROP_TOTAL_ITEMS] = g_param_spec_int64 ("total-items", NULL, NULL,
                                                     -1, G_MAXINT64, -1, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  properties[PROP_SUB_TASK] = g_param_spec_string ("sub-task", NULL, NULL, NULL, flags);
  properties[PROP_ETA] = g_param_spec_int64 ("eta", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_STASH_JOB_ID] = g_param_spec_string ("stash-job-id", NULL, NULL, NULL, flags);
  properties[PROP_RESULT] = g_param_spec_string ("result", NULL, NULL, NULL, flags);
  properties[PROP_UNREACHABLE_SINCE] = g_param_spec_int64 ("unreachable-since", NULL, NULL,
                                                           0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sh_job_init (ShJob *self)
{
  self->eta = -1;
}

/**
 * sh_job_new_from_record:
 * @record: a job row
 *
 * Returns: (transfer full): a job with a copy of @record
 */
ShJob *
sh_job_new_from_record (const ShJobRecord *record)
{
  ShJob *self;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (record->id != NULL && record->type != NULL, NULL);

  self = g_object_new (SH_TYPE_JOB, NULL);
  self->record = sh_job_record_copy (record);
  if (!sh_job_status_from_string (record->status, &self->status))
    {
      self->status = SH_JOB_FAILED;
      g_free (self->record->status);
      self->record->status = g_strdup (sh_job_status_to_string (self->status));
    }

  return self;
}

/**
 * sh_job_get_record:
 * @self: a #ShJob
 *
 * Returns: (transfer none): the row as it is now
 */
const ShJobRecord *
sh_job_get_record (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);

  return self->record;
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/**
 * sh_job_update_from_record:
 * @self: a #ShJob
 * @record: the job's row as another process wrote it
 *
 * Takes the new values and notifies what changed.
 */
void
sh_job_update_from_record (ShJob             *self,
                           const ShJobRecord *record)
{
  ShJobStatus status;

  g_return_if_fail (SH_IS_JOB (self));
  g_return_if_fail (g_strcmp0 (record->id, self->record->id) == 0);

  g_object_freeze_notify (G_OBJECT (self));

  if (sh_job_status_from_string (record->status, &status))
    sh_job_set_status (self, status);
  if (self->record->progress != record->progress)
    {
      self->record->progress = record->progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  sh_job_set_counts (self, record->processed_items, record->total_items);
  if (set_string (&self->record->message, record->message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  if (set_string (&self->record->error, record->error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  if (set_string (&self->record->result, record->result))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
  if (set_string (&self->record->stash_job_id, record->stash_job_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STASH_JOB_ID]);
  set_string (&self->record->stash_job_added_at, record->stash_job_added_at);
  self->record->started_at = record->started_at;
  self->record->completed_at = record->completed_at;
  self->record->updated_at = record->updated_at;

  g_object_thaw_notify (G_OBJECT (self));
}

const char *
sh_job_get_id (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);
  return self->record->id;
}

const char *
sh_job_get_job_type (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);
  return self->record->type;
}

ShJobStatus
sh_job_get_status (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), SH_JOB_FAILED);
  return self->status;
}

gboolean
sh_job_is_active (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), FALSE);
  return self->status == SH_JOB_PENDING || self->status == SH_JOB_RUNNING ||
         self->status == SH_JOB_CANCELLING;
}

gboolean
sh_job_is_finished (ShJob *self)
{
  return !sh_job_is_active (self);
}

double
sh_job_get_progress (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), 0);
  return self->record->progress;
}

gint64
sh_job_get_processed_items (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), -1);
  return self->record->processed_items;
}

gint64
sh_job_get_total_items (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), -1);
  return self->record->total_items;
}

const char *
sh_job_get_message (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);
  return self->record->message;
}

const char *
sh_job_get_error (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);
  return self->record->error;
}

const char *
sh_job_get_sub_task (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);
  return self->sub_task;
}

gint64
sh_job_get_eta (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), -1);
  return self->eta;
}

const char *
sh_job_get_stash_job_id (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);
  return self->record->stash_job_id;
}

const char *
sh_job_get_parent_id (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);
  return self->record->parent_job_id;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = NULL;

  if (text == NULL)
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* StashHog's own parameters under the names that versions before 0.2 wrote. */
static const struct
{
  const char *old_name;
  const char *name;
} renamed_parameters[] = {
  { "markSucceeded", "mark_succeeded" },
  { "retryFailedOf", "retry_failed_of" },
};

/**
 * sh_job_parameters_upgrade:
 * @parameters: a job's parameters
 *
 * Renames, in place, StashHog's own parameters that earlier versions stored in camelCase
 * (`markSucceeded`, `retryFailedOf`) to their names (`mark_succeeded`, `retry_failed_of`),
 * so that jobs stored by those versions run, retry and show as before. A parameter given
 * under both names keeps the new one. Stash's own option names are left alone.
 */
void
sh_job_parameters_upgrade (JsonObject *parameters)
{
  g_return_if_fail (parameters != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (renamed_parameters); i++)
    {
      const char *old_name = renamed_parameters[i].old_name;

      if (!json_object_has_member (parameters, old_name))
        continue;
      if (!json_object_has_member (parameters, renamed_parameters[i].name))
        json_object_set_member (parameters, renamed_parameters[i].name,
                                json_object_dup_member (parameters, old_name));
      json_object_remove_member (parameters, old_name);
    }
}

/**
 * sh_job_dup_parameters:
 * @self: a #ShJob
 *
 * Returns: (transfer full): the parameters (an empty object when there are none), with
 *   the names of earlier versions upgraded (sh_job_parameters_upgrade())
 */
JsonObject *
sh_job_dup_parameters (ShJob *self)
{
  JsonObject *object;

  g_return_val_if_fail (SH_IS_JOB (self), NULL);

  object = parse_object (self->record->parameters);
  if (object == NULL)
    return json_object_new ();
  sh_job_parameters_upgrade (object);
  return object;
}

/**
 * sh_job_dup_result:
 * @self: a #ShJob
 *
 * Returns: (transfer full) (nullable): the result, once there is one
 */
JsonObject *
sh_job_dup_result (ShJob *self)
{
  JsonObject *object;

  g_return_val_if_fail (SH_IS_JOB (self), NULL);

  object = parse_object (self->record->result);
  if (object != NULL && json_object_has_member (object, SH_JOB_RESULT_TEXTS))
    {
      json_object_remove_member (object, SH_JOB_RESULT_TEXTS);
      /* A job that failed before it had a result keeps only its texts there. */
      if (json_object_get_size (object) == 0)
        g_clear_pointer (&object, json_object_unref);
    }

  return object;
}

static ShText *
dup_text (ShJob      *self,
          const char *name)
{
  g_autoptr(JsonObject) result = parse_object (self->record->result);
  JsonNode *texts;
  JsonNode *text;

  if (result == NULL || (texts = json_object_get_member (result, SH_JOB_RESULT_TEXTS)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (texts) ||
      (text = json_object_get_member (json_node_get_object (texts), name)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (text))
    return NULL;

  return sh_text_from_json (json_node_get_object (text));
}

/* The stored @string, or in the current language when StashHog wrote it. */
static char *
dup_display (ShJob      *self,
             const char *name,
             const char *string)
{
  g_autoptr(ShText) text = NULL;
  char *rendered;

  if (string == NULL)
    return NULL;

  text = dup_text (self, name);
  if (text != NULL && (rendered = sh_text_render (text)) != NULL)
    return rendered;

  return g_strdup (string);
}

/**
 * sh_job_dup_error_text:
 * @self: a #ShJob
 *
 * Returns: (transfer full) (nullable): the message that StashHog kept beside the job's
 *   error, when it says (in the current language) what the job stores
 */
ShText *
sh_job_dup_error_text (ShJob *self)
{
  g_autoptr(ShText) text = NULL;

  g_return_val_if_fail (SH_IS_JOB (self), NULL);

  text = dup_text (self, "error");
  return sh_text_says (text, self->record->error) ? g_steal_pointer (&text) : NULL;
}

/**
 * sh_job_result_set_error:
 * @result: a handler's result
 * @text: why the job failed
 *
 * Sets the result's `error` to @text in the current language, and keeps @text beside it
 * (%SH_JOB_RESULT_TEXTS) for the job manager.
 */
void
sh_job_result_set_error (JsonObject   *result,
                         const ShText *text)
{
  g_autofree char *message = NULL;
  JsonObject *texts = json_object_new ();

  g_return_if_fail (result != NULL);
  g_return_if_fail (text != NULL);

  message = sh_text_render (text);
  json_object_set_string_member (result, "error", message);
  json_object_set_object_member (texts, "error", sh_text_to_json (text));
  json_object_set_object_member (result, SH_JOB_RESULT_TEXTS, texts);
}

/**
 * sh_job_text_step_failed:
 * @child: the step's job, failed
 * @index: the step's number
 * @label_msgid: the step's label, untranslated (an `SH_TEXT_STEP_` message)
 *
 * Why a workflow failed: “Step 2 (Syncing scenes) failed: …”, with the step's label and
 * @child's error nested, so that both read in the reader's language too.
 *
 * Returns: (transfer full): the message
 */
ShText *
sh_job_text_step_failed (ShJob      *child,
                         guint       index,
                         const char *label_msgid)
{
  g_autofree char *number = NULL;
  ShText *text;

  g_return_val_if_fail (SH_IS_JOB (child), NULL);
  g_return_val_if_fail (label_msgid != NULL, NULL);

  number = g_strdup_printf ("%u", index);
  text = sh_text_new (SH_TEXT_STEP_FAILED, number, g_dgettext (GETTEXT_PACKAGE, label_msgid),
                      child->record->error != NULL ? child->record->error : "", NULL);
  sh_text_set_nested (text, 1, sh_text_new (label_msgid, NULL));
  sh_text_set_nested (text, 2, sh_job_dup_error_text (child));

  return text;
}

/**
 * sh_job_dup_error_display:
 * @self: a #ShJob
 *
 * Why the job failed, to show: in the current language when StashHog wrote the message
 * (whichever process ran the job, in whichever language), else as stored (Stash's own
 * words, the database's).
 *
 * Returns: (transfer full) (nullable): the error, or %NULL when there is none
 */
char *
sh_job_dup_error_display (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);

  return dup_display (self, "error", self->record->error);
}

/**
 * sh_job_dup_message_display:
 * @self: a #ShJob
 *
 * The job's last message, to show: as sh_job_dup_error_display() for the messages a job
 * ends with (“Cancelled”, “Completed with 2 errors”, “Interrupted”…).
 *
 * Returns: (transfer full) (nullable): the message
 */
char *
sh_job_dup_message_display (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), NULL);

  return dup_display (self, "message", self->record->message);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       usec)
{
  json_builder_set_member_name (builder, name);
  if (usec > 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
      g_autofree char *text = g_date_time_format_iso8601 (time);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * sh_job_to_json:
 * @self: a #ShJob
 *
 * Returns: (transfer full): the job as stashhogctl prints it
 */
JsonNode *
sh_job_to_json (ShJob *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonObject) parameters = NULL;
  g_autoptr(JsonObject) result = NULL;

  g_return_val_if_fail (SH_IS_JOB (self), NULL);

  parameters = sh_job_dup_parameters (self);
  result = sh_job_dup_result (self);

  json_builder_begin_object (builder);
  add_string (builder, "id", self->record->id);
  add_string (builder, "type", self->record->type);
  add_string (builder, "status", sh_job_status_to_string (self->status));
  json_builder_set_member_name (builder, "progress");
  if (self->record->progress >= 0)
    json_builder_add_double_value (builder, self->record->progress);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "processed_items");
  json_builder_add_int_value (builder, self->record->processed_items);
  json_builder_set_member_name (builder, "total_items");
  json_builder_add_int_value (builder, self->record->total_items);
  add_string (builder, "message", self->record->message);
  add_string (builder, "error", self->record->error);
  add_string (builder, "stash_job_id", self->record->stash_job_id);
  add_string (builder, "parent_job_id", self->record->parent_job_id);
  json_builder_set_member_name (builder, "parameters");
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), parameters);
    json_builder_add_value (builder, g_steal_pointer (&node));
  }
  json_builder_set_member_name (builder, "result");
  if (result != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), result);
      json_builder_add_value (builder, g_steal_pointer (&node));
    }
  else
    json_builder_add_null_value (builder);
  add_time (builder, "created_at", self->record->created_at);
  add_time (builder, "started_at", self->record->started_at);
  add_time (builder, "completed_at", self->record->completed_at);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
sh_job_set_status (ShJob       *self,
                   ShJobStatus  status)
{
  g_return_if_fail (SH_IS_JOB (self));

  if (self->status == status)
    return;

  self->status = status;
  set_string (&self->record->status, sh_job_status_to_string (status));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/* The seed's convention: "Processed 5/10", "Synced 5/10", "Applied 5/10" carry counts. */
static gboolean
parse_counts (const char *message,
              gint64     *processed,
              gint64     *total)
{
  static const char * const verbs[] = { "Processed ", "Synced ", "Applied " };

  for (guint i = 0; message != NULL && i < G_N_ELEMENTS (verbs); i++)
    {
      const char *p = strstr (message, verbs[i]);
      char *end;
      gint64 a;
      gint64 b;

      if (p == NULL)
        continue;
      p += strlen (verbs[i]);
      if (!g_ascii_isdigit (*p))
        continue;
      a = g_ascii_strtoll (p, &end, 10);
      if (*end != '/' || !g_ascii_isdigit (end[1]))
        continue;
      b = g_ascii_strtoll (end + 1, NULL, 10);
      *processed = a;
      *total = b;
      return TRUE;
    }

  return FALSE;
}

/**
 * sh_job_set_progress:
 * @self: a #ShJob
 * @percent: 0 to 100, or -1 when the amount of work is unknown
 * @message: (nullable): what the job is doing; "Processed X/Y" also sets the counts
 *
 * Reports progress.
 */
void
sh_job_set_progress (ShJob      *self,
                     double      percent,
                     const char *message)
{
  gint64 processed;
  gint64 total;

  g_return_if_fail (SH_IS_JOB (self));

  percent = percent < 0 ? -1 : MIN (percent, 100.0);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->record->progress != percent)
    {
      self->record->progress = percent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  if (message != NULL && set_string (&self->record->message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  if (parse_counts (message, &processed, &total))
    sh_job_set_counts (self, processed, total);
  g_object_thaw_notify (G_OBJECT (self));
}

void
sh_job_set_counts (ShJob  *self,
                   gint64  processed,
                   gint64  total)
{
  g_return_if_fail (SH_IS_JOB (self));

  if (self->record->processed_items != processed)
    {
      self->record->processed_items = processed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROCESSED_ITEMS]);
    }
  if (self->record->total_items != total)
    {
      self->record->total_items = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_ITEMS]);
    }
}

void
sh_job_set_sub_task (ShJob      *self,
                     const char *sub_task)
{
  g_return_if_fail (SH_IS_JOB (self));

  if (set_string (&self->sub_task, sub_task))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUB_TASK]);
}

void
sh_job_set_eta (ShJob  *self,
                gint64  seconds)
{
  g_return_if_fail (SH_IS_JOB (self));

  if (self->eta != seconds)
    {
      self->eta = seconds;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA]);
    }
}

/**
 * sh_job_set_unreachable_since:
 * @self: a #ShJob
 * @real_time: when Stash stopped answering (g_get_real_time()), or 0 once it answers
 *
 * A running job that depends on Stash says since when it cannot reach it, so that
 * its row can say so instead of showing a stale estimate.
 */
void
sh_job_set_unreachable_since (ShJob  *self,
                              gint64  real_time)
{
  g_return_if_fail (SH_IS_JOB (self));

  if (self->unreachable_since != real_time)
    {
      self->unreachable_since = real_time;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREACHABLE_SINCE]);
    }
}

/**
 * sh_job_get_unreachable_since:
 * @self: a #ShJob
 *
 * Returns: when Stash stopped answering the job, in g_get_real_time() microseconds, or 0
 */
gint64
sh_job_get_unreachable_since (ShJob *self)
{
  g_return_val_if_fail (SH_IS_JOB (self), 0);

  return self->unreachable_since;
}

void
sh_job_set_error (ShJob      *self,
                  const char *error)
{
  g_return_if_fail (SH_IS_JOB (self));

  if (set_string (&self->record->error, error))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

void
sh_job_set_result (ShJob      *self,
                   JsonObject *result)
{
  g_autofree char *text = NULL;

  g_return_if_fail (SH_IS_JOB (self));

  if (result != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), result);

      text = json_to_string (node, FALSE);
    }

  if (set_string (&self->record->result, text))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

/**
 * sh_job_set_texts:
 * @self: a #ShJob
 * @message: (nullable): the job's message (sh_job_get_message()) untranslated
 * @error: (nullable): its error (sh_job_get_error()) untranslated
 *
 * Keeps, in the stored result, StashHog's own messages beside the texts the job stores,
 * so that sh_job_dup_error_display() shows them in the reader's language. Call it after
 * sh_job_set_result() and once the texts are set. A message is kept only when it says, in
 * the current language, what the job stores; the others are dropped (their text is
 * shown as stored).
 */
void
sh_job_set_texts (ShJob        *self,
                  const ShText *message,
                  const ShText *error)
{
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) texts = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *string = NULL;

  g_return_if_fail (SH_IS_JOB (self));

  if (sh_text_says (message, self->record->message))
    json_object_set_object_member (texts, "message", sh_text_to_json (message));
  if (sh_text_says (error, self->record->error))
    json_object_set_object_member (texts, "error", sh_text_to_json (error));

  result = parse_object (self->record->result);
  if (result == NULL && json_object_get_size (texts) == 0)
    return;
  if (result == NULL)
    result = json_object_new ();
  if (json_object_get_size (texts) > 0)
    json_object_set_object_member (result, SH_JOB_RESULT_TEXTS, g_steal_pointer (&texts));
  else
    json_object_remove_member (result, SH_JOB_RESULT_TEXTS);

  node = json_node_init_object (json_node_alloc (), result);
  string = json_to_string (node, FALSE);
  if (set_string (&self->record->result, string))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

void
sh_job_set_stash_job (ShJob      *self,
                      const char *stash_job_id,
                      const char *added_at)
{
  g_return_if_fail (SH_IS_JOB (self));

  set_string (&self->record->stash_job_added_at, added_at);
  if (set_string (&self->record->stash_job_id, stash_job_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STASH_JOB_ID]);
}
