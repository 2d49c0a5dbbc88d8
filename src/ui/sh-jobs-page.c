/* sh-jobs-page.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Jobs page: active jobs at the top, finished ones below, filtered by status and
 * type. Both lists are views of the job manager's one model (newest first), so a job moves
 * from one to the other when it ends, whichever process ran it.
 */

#include "config.h"

#include "sh-types.h"

#include <glib/gi18n.h>

#include "sh-job-row.h"
#include "sh-jobs-page.h"
#include "sh-library-summary.h"

struct _ShJobsPage
{
  GtkWidget           parent_instance;

  ShJobManager       *manager;          /* (owned) (nullable) */
  ShScheduler        *scheduler;        /* (owned) (nullable) */
  GtkLabel           *next_run_label;
  GListModel         *jobs;             /* (unowned) the manager's */
  gulong              jobs_changed_id;
  GHashTable         *status_handlers;  /* (owned) ShJob (owned) → handler id */

  GtkCustomFilter    *active_filter;    /* (owned) */
  GtkFilterListModel *active_model;     /* (owned) */
  GtkCustomFilter    *history_filter;   /* (owned) */
  GtkSortListModel   *history_model;    /* (owned) */
  gulong              active_changed_id;
  gulong              history_changed_id;

  /* Template widgets */
  ShLibrarySummary   *summary;
  GtkStack           *stack;
  GtkWidget          *active_box;
  GtkListBox         *active_list;
  GtkListBox         *history_list;
  GtkDropDown        *status_filter;
  GtkDropDown        *type_filter;
  GtkLabel           *history_placeholder;
};

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ShJobsPage, sh_jobs_page, GTK_TYPE_WIDGET)

/* The dropdowns' entries, in order; the first one of each is “all”. */
static const ShJobStatus filter_statuses[] = {
  SH_JOB_COMPLETED, SH_JOB_FAILED, SH_JOB_CANCELLED,
};
static const char * const filter_types[] = {
  SH_JOB_TYPE_SYNC, SH_JOB_TYPE_CHECK, SH_JOB_TYPE_GENERATE, SH_JOB_TYPE_PROCESS_NEW,
};

static gboolean
is_active (gpointer item,
           gpointer user_data)
{
  return sh_job_is_active (SH_JOB (item));
}

static gboolean
matches_history (gpointer item,
                 gpointer user_data)
{
  ShJobsPage *self = SH_JOBS_PAGE (user_data);
  ShJob *job = SH_JOB (item);
  guint status = gtk_drop_down_get_selected (self->status_filter);
  guint type = gtk_drop_down_get_selected (self->type_filter);

  if (sh_job_is_active (job))
    return FALSE;

  if (status != GTK_INVALID_LIST_POSITION && status > 0 &&
      status - 1 < G_N_ELEMENTS (filter_statuses) &&
      sh_job_get_status (job) != filter_statuses[status - 1])
    return FALSE;

  if (type != GTK_INVALID_LIST_POSITION && type > 0 &&
      type - 1 < G_N_ELEMENTS (filter_types) &&
      g_strcmp0 (sh_job_get_job_type (job), filter_types[type - 1]) != 0)
    return FALSE;

  return TRUE;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  gint64 created_a = sh_job_get_record (SH_JOB ((gpointer) a))->created_at;
  gint64 created_b = sh_job_get_record (SH_JOB ((gpointer) b))->created_at;

  if (created_a != created_b)
    return created_a > created_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  return g_strcmp0 (sh_job_get_id (SH_JOB ((gpointer) a)), sh_job_get_id (SH_JOB ((gpointer) b)));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  ShJobsPage *self = SH_JOBS_PAGE (user_data);
  ShJob *job = SH_JOB (item);
  const ShJobTypeInfo *info = NULL;

  if (self->manager != NULL)
    info = sh_job_manager_lookup_type (self->manager, sh_job_get_job_type (job));

  return sh_job_row_new (job, info);
}

static void
on_row_activated (GtkListBox    *list,
                  GtkListBoxRow *row,
                  ShJobsPage    *self)
{
  ShJob *job = sh_job_row_get_job (SH_JOB_ROW (row));

  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-job", "s", sh_job_get_id (job));
}

static void
sh_jobs_page_update_visibility (ShJobsPage *self)
{
  guint n_jobs = self->jobs != NULL ? g_list_model_get_n_items (self->jobs) : 0;
  guint n_active = self->active_model != NULL
                   ? g_list_model_get_n_items (G_LIST_MODEL (self->active_model)) : 0;
  guint n_history = self->history_model != NULL
                    ? g_list_model_get_n_items (G_LIST_MODEL (self->history_model)) : 0;
  gboolean filtered = gtk_drop_down_get_selected (self->status_filter) > 0 ||
                      gtk_drop_down_get_selected (self->type_filter) > 0;

  gtk_stack_set_visible_child_name (self->stack, n_jobs > 0 ? "list" : "empty");
  gtk_widget_set_visible (self->active_box, n_active > 0);

  if (n_history == 0)
    gtk_label_set_label (self->history_placeholder,
                         filtered ? _("No finished jobs match these filters.")
                                  : _("Finished jobs appear here."));
}

static void
on_status_changed (ShJob      *job,
                   GParamSpec *pspec,
                   ShJobsPage *self)
{
  /* A job that ends moves from one list to the other. */
  gtk_filter_changed (GTK_FILTER (self->active_filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_filter_changed (GTK_FILTER (self->history_filter), GTK_FILTER_CHANGE_DIFFERENT);

  /* A sync, Check or Generate that ended, here or in another process, changed the
   * library's counts. */
  if (!sh_job_is_active (job))
    sh_library_summary_refresh (self->summary);
}

static void
on_jobs_changed (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 ShJobsPage *self)
{
  g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  /* Filters do not watch their items: follow every job's status here. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (model, i);

      g_hash_table_add (present, job);
      if (!g_hash_table_contains (self->status_handlers, job))
        {
          gulong id = g_signal_connect (job, "notify::status",
                                        G_CALLBACK (on_status_changed), self);

          g_hash_table_insert (self->status_handlers, g_object_ref (job),
                               GSIZE_TO_POINTER ((gsize) id));
        }
    }

  g_hash_table_iter_init (&iter, self->status_handlers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!g_hash_table_contains (present, key))
        {
          g_signal_handler_disconnect (key, (gulong) GPOINTER_TO_SIZE (value));
          g_hash_table_iter_remove (&iter);
        }
    }

  sh_jobs_page_update_visibility (self);
}

/* Which of the summary's next steps are under way. */
static void
sh_jobs_page_update_running (ShJobsPage *self)
{
  GListModel *active = G_LIST_MODEL (self->active_model);
  gboolean checking = FALSE;
  gboolean generating = FALSE;

  for (guint i = 0; active != NULL && i < g_list_model_get_n_items (active); i++)
    {
      g_autoptr(ShJob) job = g_list_model_get_item (active, i);
      const char *type = sh_job_get_job_type (job);

      checking = checking || g_strcmp0 (type, SH_JOB_TYPE_CHECK) == 0;
      generating = generating || g_strcmp0 (type, SH_JOB_TYPE_GENERATE) == 0;
    }

  sh_library_summary_set_running (self->summary, checking, generating);
}

static void
on_filtered_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     ShJobsPage *self)
{
  sh_jobs_page_update_visibility (self);
  if (model == G_LIST_MODEL (self->active_model))
    sh_jobs_page_update_running (self);
}

static void
on_filter_selected (GtkDropDown *dropdown,
                    GParamSpec  *pspec,
                    ShJobsPage  *self)
{
  gtk_filter_changed (GTK_FILTER (self->history_filter), GTK_FILTER_CHANGE_DIFFERENT);
  sh_jobs_page_update_visibility (self);
}

static void
sh_jobs_page_clear (ShJobsPage *self)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  gtk_list_box_bind_model (self->active_list, NULL, NULL, NULL, NULL);
  gtk_list_box_bind_model (self->history_list, NULL, NULL, NULL, NULL);

  if (self->active_model != NULL)
    g_clear_signal_handler (&self->active_changed_id, self->active_model);
  if (self->history_model != NULL)
    g_clear_signal_handler (&self->history_changed_id, self->history_model);
  g_clear_object (&self->active_model);
  g_clear_object (&self->history_model);

  g_hash_table_iter_init (&iter, self->status_handlers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_signal_handler_disconnect (key, (gulong) GPOINTER_TO_SIZE (value));
      g_hash_table_iter_remove (&iter);
    }

  if (self->jobs != NULL)
    g_clear_signal_handler (&self->jobs_changed_id, self->jobs);
  self->jobs = NULL;
  g_clear_object (&self->manager);
}

/**
 * sh_jobs_page_set_manager:
 * @self: a #ShJobsPage
 * @manager: (nullable): the job manager whose jobs to show
 */
void
sh_jobs_page_set_manager (ShJobsPage   *self,
                          ShJobManager *manager)
{
  GtkFilter *active_filter;
  GtkFilter *history_filter;
  GtkFilterListModel *history_filtered;
  GtkCustomSorter *sorter;

  g_return_if_fail (SH_IS_JOBS_PAGE (self));
  g_return_if_fail (manager == NULL || SH_IS_JOB_MANAGER (manager));

  if (self->manager == manager)
    return;

  sh_jobs_page_clear (self);

  if (manager != NULL)
    {
      self->manager = g_object_ref (manager);
      self->jobs = sh_job_manager_get_jobs (manager);
      active_filter = GTK_FILTER (self->active_filter);
      history_filter = GTK_FILTER (self->history_filter);

      self->active_model = gtk_filter_list_model_new (g_object_ref (self->jobs),
                                                      g_object_ref (active_filter));
      history_filtered = gtk_filter_list_model_new (g_object_ref (self->jobs),
                                                    g_object_ref (history_filter));
      sorter = gtk_custom_sorter_new (compare_newest_first, NULL, NULL);
      self->history_model = gtk_sort_list_model_new (G_LIST_MODEL (history_filtered),
                                                     GTK_SORTER (sorter));

      self->jobs_changed_id = g_signal_connect (self->jobs, "items-changed",
                                                G_CALLBACK (on_jobs_changed), self);
      self->active_changed_id = g_signal_connect (self->active_model, "items-changed",
                                                  G_CALLBACK (on_filtered_changed), self);
      self->history_changed_id = g_signal_connect (self->history_model, "items-changed",
                                                   G_CALLBACK (on_filtered_changed), self);

      gtk_list_box_bind_model (self->active_list, G_LIST_MODEL (self->active_model),
                               create_row, self, NULL);
      gtk_list_box_bind_model (self->history_list, G_LIST_MODEL (self->history_model),
                               create_row, self, NULL);

      on_jobs_changed (self->jobs, 0, 0, 0, self);
    }

  sh_jobs_page_update_running (self);
  sh_jobs_page_update_visibility (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANAGER]);
}

/**
 * sh_jobs_page_set_session:
 * @self: a #ShJobsPage
 * @session: (nullable): the session whose jobs and library to show
 *
 * Shows the session's jobs (see sh_jobs_page_set_manager()) and, above them, a summary of
 * its library with the next step.
 */
void
sh_jobs_page_set_session (ShJobsPage *self,
                          ShSession  *session)
{
  g_return_if_fail (SH_IS_JOBS_PAGE (self));
  g_return_if_fail (session == NULL || SH_IS_SESSION (session));

  sh_jobs_page_set_manager (self, session != NULL ? sh_session_get_job_manager (session) : NULL);
  sh_library_summary_set_session (self->summary, session);
}

/**
 * sh_jobs_page_get_summary:
 * @self: a #ShJobsPage
 *
 * Returns: (transfer none): the library summary at the top of the page
 */
ShLibrarySummary *
sh_jobs_page_get_summary (ShJobsPage *self)
{
  g_return_val_if_fail (SH_IS_JOBS_PAGE (self), NULL);

  return self->summary;
}

/**
 * sh_jobs_page_get_manager:
 * @self: a #ShJobsPage
 *
 * Returns: (transfer none) (nullable): the job manager
 */
ShJobManager *
sh_jobs_page_get_manager (ShJobsPage *self)
{
  g_return_val_if_fail (SH_IS_JOBS_PAGE (self), NULL);

  return self->manager;
}

/**
 * sh_jobs_page_get_active_model:
 * @self: a #ShJobsPage
 *
 * Returns: (transfer none) (nullable): the active jobs shown
 */
GListModel *
sh_jobs_page_get_active_model (ShJobsPage *self)
{
  g_return_val_if_fail (SH_IS_JOBS_PAGE (self), NULL);

  return G_LIST_MODEL (self->active_model);
}

/**
 * sh_jobs_page_get_history_model:
 * @self: a #ShJobsPage
 *
 * Returns: (transfer none) (nullable): the finished jobs shown, after the filters
 */
GListModel *
sh_jobs_page_get_history_model (ShJobsPage *self)
{
  g_return_val_if_fail (SH_IS_JOBS_PAGE (self), NULL);

  return G_LIST_MODEL (self->history_model);
}

static GtkWidget *
find_row_in (GtkListBox *list,
             const char *job_id)
{
  for (int i = 0;; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);

      if (row == NULL)
        return NULL;
      if (SH_IS_JOB_ROW (row) &&
          g_strcmp0 (sh_job_get_id (sh_job_row_get_job (SH_JOB_ROW (row))), job_id) == 0)
        return GTK_WIDGET (row);
    }
}

/**
 * sh_jobs_page_find_row:
 * @self: a #ShJobsPage
 * @job_id: a job id
 *
 * Returns: (transfer none) (nullable): the row that shows the job, if one does
 */
GtkWidget *
sh_jobs_page_find_row (ShJobsPage *self,
                       const char *job_id)
{
  GtkWidget *row;

  g_return_val_if_fail (SH_IS_JOBS_PAGE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  row = find_row_in (self->active_list, job_id);
  if (row == NULL)
    row = find_row_in (self->history_list, job_id);

  return row;
}

static void
on_next_run_changed (ShJobsPage *self)
{
  g_autofree char *text = NULL;

  if (self->scheduler != NULL)
    text = sh_scheduler_dup_next_run_text (self->scheduler);
  gtk_label_set_label (self->next_run_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->next_run_label), text != NULL);
}

/**
 * sh_jobs_page_set_scheduler:
 * @self: a #ShJobsPage
 * @scheduler: (nullable): the scheduler whose next run the page names
 */
void
sh_jobs_page_set_scheduler (ShJobsPage  *self,
                            ShScheduler *scheduler)
{
  g_return_if_fail (SH_IS_JOBS_PAGE (self));
  g_return_if_fail (scheduler == NULL || SH_IS_SCHEDULER (scheduler));

  if (self->scheduler == scheduler)
    return;
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_set_object (&self->scheduler, scheduler);
  if (scheduler != NULL)
    {
      g_signal_connect_swapped (scheduler, "notify::next-run-text",
                                G_CALLBACK (on_next_run_changed), self);
      g_signal_connect_swapped (scheduler, "notify::job",
                                G_CALLBACK (on_next_run_changed), self);
    }
  on_next_run_changed (self);
}

/* Scenes marked by hand in the Scenes view meanwhile: the counts are read again whenever
 * the page is shown. */
static void
sh_jobs_page_map (GtkWidget *widget)
{
  ShJobsPage *self = SH_JOBS_PAGE (widget);

  GTK_WIDGET_CLASS (sh_jobs_page_parent_class)->map (widget);

  sh_library_summary_refresh (self->summary);
}

static void
sh_jobs_page_dispose (GObject *object)
{
  ShJobsPage *self = SH_JOBS_PAGE (object);

  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  g_clear_object (&self->scheduler);

  sh_jobs_page_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_JOBS_PAGE);
  g_clear_object (&self->active_filter);
  g_clear_object (&self->history_filter);

  G_OBJECT_CLASS (sh_jobs_page_parent_class)->dispose (object);
}

static void
sh_jobs_page_finalize (GObject *object)
{
  ShJobsPage *self = SH_JOBS_PAGE (object);

  g_clear_pointer (&self->status_handlers, g_hash_table_unref);

  G_OBJECT_CLASS (sh_jobs_page_parent_class)->finalize (object);
}

static void
sh_jobs_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ShJobsPage *self = SH_JOBS_PAGE (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_jobs_page_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ShJobsPage *self = SH_JOBS_PAGE (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      sh_jobs_page_set_manager (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_jobs_page_class_init (ShJobsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_jobs_page_dispose;
  object_class->finalize = sh_jobs_page_finalize;
  object_class->get_property = sh_jobs_page_get_property;
  object_class->set_property = sh_jobs_page_set_property;
  widget_class->map = sh_jobs_page_map;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL,
                         SH_TYPE_JOB_MANAGER,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/sh-jobs-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ShJobsPage, summary);
  gtk_widget_class_bind_template_child (widget_class, ShJobsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ShJobsPage, next_run_label);
  gtk_widget_class_bind_template_child (widget_class, ShJobsPage, active_box);
  gtk_widget_class_bind_template_child (widget_class, ShJobsPage, active_list);
  gtk_widget_class_bind_template_child (widget_class, ShJobsPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, ShJobsPage, status_filter);
  gtk_widget_class_bind_template_child (widget_class, ShJobsPage, type_filter);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jobs-page");
}

static void
sh_jobs_page_init (ShJobsPage *self)
{
  GtkWidget *placeholder;

  g_type_ensure (SH_TYPE_LIBRARY_SUMMARY);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->status_handlers = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->active_filter = gtk_custom_filter_new (is_active, NULL, NULL);
  self->history_filter = gtk_custom_filter_new (matches_history, self, NULL);

  placeholder = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_set_margin_top (placeholder, 24);
  gtk_widget_set_margin_bottom (placeholder, 24);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (self->history_list, placeholder);
  self->history_placeholder = GTK_LABEL (placeholder);

  g_signal_connect (self->active_list, "row-activated", G_CALLBACK (on_row_activated), self);
  g_signal_connect (self->history_list, "row-activated", G_CALLBACK (on_row_activated), self);
  g_signal_connect (self->status_filter, "notify::selected",
                    G_CALLBACK (on_filter_selected), self);
  g_signal_connect (self->type_filter, "notify::selected",
                    G_CALLBACK (on_filter_selected), self);

  sh_jobs_page_update_visibility (self);
}
