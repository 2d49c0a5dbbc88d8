/* sh-job-context.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a job handler sees of the job manager while it runs (ShJobContext).
 */

#include "config.h"

#include "sh-job-manager-private.h"

/* The context handlers use */

ShJob *
sh_job_context_get_job (ShJobContext *context)
{
  return context->job;
}

ShJobManager *
sh_job_context_get_manager (ShJobContext *context)
{
  return context->manager;
}

ShStashClient *
sh_job_context_get_client (ShJobContext *context)
{
  return context->manager->client;
}

ShSceneStore *
sh_job_context_get_scene_store (ShJobContext *context)
{
  return context->manager->scene_store;
}

ShJobStore *
sh_job_context_get_job_store (ShJobContext *context)
{
  return context->manager->job_store;
}

gint64
sh_job_context_get_server_id (ShJobContext *context)
{
  return context->manager->server_id;
}

/**
 * sh_job_context_get_parameters:
 * @context: a job context
 *
 * Returns: (transfer none): the validated parameters, defaults filled in
 */
JsonObject *
sh_job_context_get_parameters (ShJobContext *context)
{
  return context->parameters;
}

/**
 * sh_job_context_is_reattach:
 * @context: a job context
 *
 * Returns: whether this run continues a job that a crashed StashHog left running
 */
gboolean
sh_job_context_is_reattach (ShJobContext *context)
{
  return context->reattach;
}

/**
 * sh_job_context_is_abandoned:
 * @context: a job context
 *
 * Whether the manager stopped waiting for this run (sh_job_manager_abandon()): the job
 * has ended already, and the handler should stop its work and return soon. What it
 * returns then is ignored.
 *
 * Returns: %TRUE once abandoned
 */
gboolean
sh_job_context_is_abandoned (ShJobContext *context)
{
  return context->run->abandoned;
}

/**
 * sh_job_context_persist_now:
 * @context: a job context
 *
 * Writes the job at once, for what must survive a crash right away (the Stash job id).
 */
void
sh_job_context_persist_now (ShJobContext *context)
{
  RunData *run = context->run;

  if (!run->finishing)
    _sh_job_manager_persist (run);
}

void
sh_job_context_log (ShJobContext *context,
                    const char   *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_info ("Job %s: %s", sh_job_get_id (context->job), message);
}

