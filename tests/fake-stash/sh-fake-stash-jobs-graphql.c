/* sh-fake-stash-jobs-graphql.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * metadataGenerate, metadataScan, findJob, jobQueue and stopJob, as the resolvers of
 * internal/api/resolver_*_job.go and resolver_mutation_metadata.go answer them.
 */

#include "config.h"

#include "sh-fake-stash-private.h"

/* Every field of Job, in the order the documents select them. */
void
sh_fake_job_append_json (GString   *out,
                         ShFakeJob *job)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "{\"id\":\"%u\",\"status\":\"%s\",\"subTasks\":", job->id,
                          sh_fake_job_status_to_string (job->status));

  /* A nil slice is null, not []. */
  if (job->sub_tasks == NULL || job->sub_tasks->len == 0)
    {
      g_string_append (out, "null");
    }
  else
    {
      g_string_append_c (out, '[');
      for (guint i = 0; i < job->sub_tasks->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          sh_fake_json_append_string (out, g_ptr_array_index (job->sub_tasks, i));
        }
      g_string_append_c (out, ']');
    }

  g_string_append (out, ",\"description\":");
  sh_fake_json_append_string (out, job->description);
  g_string_append (out, ",\"progress\":");
  /* -1 is "indefinite" inside Stash, and null on the wire. */
  if (job->progress < 0)
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_dtostr (number, sizeof number, job->progress));

  g_string_append (out, ",\"startTime\":");
  sh_fake_json_append_time_usec (out, job->start_time);
  g_string_append (out, ",\"endTime\":");
  sh_fake_json_append_time_usec (out, job->end_time);
  g_string_append (out, ",\"addTime\":");
  sh_fake_json_append_time_usec (out, job->add_time);
  g_string_append (out, ",\"error\":null}");
}

/* An ID argument, which may come as a variable of any name the document chose. */
static JsonNode *
get_id_node (JsonObject *variables,
             const char *name,
             const char *other_name)
{
  JsonNode *node = NULL;

  if (variables != NULL)
    node = json_object_get_member (variables, name);
  if (node == NULL && variables != NULL)
    node = json_object_get_member (variables, other_name);

  return node;
}

static gboolean
parse_id_or_error (JsonNode    *node,
                   const char  *prefix,
                   guint       *id,
                   GError     **error)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error_literal (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                           "variable “id” of type “ID!” was not provided");
      return FALSE;
    }

  if (!sh_fake_json_parse_id (node, id))
    {
      const char *text = JSON_NODE_HOLDS_VALUE (node) &&
                         json_node_get_value_type (node) == G_TYPE_STRING
                         ? json_node_get_string (node) : "";

      g_set_error (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_RESOLVER,
                   "%sstrconv.Atoi: parsing \"%s\": invalid syntax", prefix, text);
      return FALSE;
    }

  return TRUE;
}

gboolean
sh_fake_stash_resolve_metadata_generate (ShFakeStash  *self,
                                         JsonObject   *variables,
                                         const char   *query,
                                         GString      *data,
                                         GError      **error)
{
  JsonObject *input = sh_fake_json_get_object (variables, "input");
  ShFakeJob *job;

  if (input == NULL)
    {
      g_set_error_literal (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                           "variable “input” of type “GenerateMetadataInput!” was not "
                           "provided");
      return FALSE;
    }

  /* validateFFmpeg: refused before any job is queued. */
  if (!self->has_ffmpeg)
    {
      g_set_error_literal (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_RESOLVER,
                           "missing ffmpeg and/or ffprobe");
      return FALSE;
    }

  job = sh_fake_stash_jobs_add (self, input);
  g_string_append_printf (data, "\"metadataGenerate\":\"%u\"", job->id);

  return TRUE;
}

/* A scan finds no new files here: it is a job that occupies the queue for a while, as
 * internal/manager/task_scan.go's does, under the description Stash gives it. */
gboolean
sh_fake_stash_resolve_metadata_scan (ShFakeStash  *self,
                                     JsonObject   *variables,
                                     const char   *query,
                                     GString      *data,
                                     GError      **error)
{
  guint id;

  if (sh_fake_json_get_object (variables, "input") == NULL)
    {
      g_set_error_literal (error, SH_FAKE_STASH_ERROR, SH_FAKE_STASH_ERROR_VALIDATION,
                           "variable “input” of type “ScanMetadataInput!” was not provided");
      return FALSE;
    }

  id = sh_fake_stash_add_foreign_job (self, "Scanning...", 3);
  g_string_append_printf (data, "\"metadataScan\":\"%u\"", id);

  return TRUE;
}

gboolean
sh_fake_stash_resolve_find_job (ShFakeStash  *self,
                                JsonObject   *variables,
                                const char   *query,
                                GString      *data,
                                GError      **error)
{
  JsonNode *node = get_id_node (variables, "id", "job_id");
  ShFakeJob *job;
  guint id;

  if (node == NULL)
    node = get_id_node (sh_fake_json_get_object (variables, "input"), "id", "job_id");
  if (!parse_id_or_error (node, "", &id, error))
    return FALSE;

  g_string_append (data, "\"findJob\":");
  if ((job = sh_fake_stash_jobs_find (self, id)))
    sh_fake_job_append_json (data, job);
  else
    g_string_append (data, "null");

  return TRUE;
}

gboolean
sh_fake_stash_resolve_job_queue (ShFakeStash  *self,
                                 JsonObject   *variables,
                                 const char   *query,
                                 GString      *data,
                                 GError      **error)
{
  /* gqlgen marshals the empty (nil) queue as null. */
  if (g_queue_is_empty (&self->queue))
    {
      g_string_append (data, "\"jobQueue\":null");
      return TRUE;
    }

  g_string_append (data, "\"jobQueue\":[");
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    {
      if (l != self->queue.head)
        g_string_append_c (data, ',');
      sh_fake_job_append_json (data, l->data);
    }
  g_string_append_c (data, ']');

  return TRUE;
}

gboolean
sh_fake_stash_resolve_stop_job (ShFakeStash  *self,
                                JsonObject   *variables,
                                const char   *query,
                                GString      *data,
                                GError      **error)
{
  guint id;

  if (!parse_id_or_error (get_id_node (variables, "id", "job_id"), "converting id: ", &id,
                          error))
    return FALSE;

  /* True even for an id that no job has. */
  sh_fake_stash_jobs_stop (self, id);
  g_string_append (data, "\"stopJob\":true");

  return TRUE;
}
