/* sh-library-summary.c
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "sh-library-summary.h"
#include "sh-ui-util.h"

/**
 * ShLibrarySummary:
 *
 * The library at a glance, at the top of the Jobs view: how many scenes the mirror has,
 * how many a Check has seen, how many are complete, incomplete and failing, and the next
 * step in plain words with its button. A new mirror knows nothing of the media Stash
 * already has, so while scenes were never checked the next step is Check Media, not a
 * Generate of a library that may be mostly complete.
 *
 * The owner calls sh_library_summary_refresh() when something may have changed the
 * counts (a job ended, the view is shown again); reads never overlap.
 */

struct _ShLibrarySummary
{
  GtkWidget       parent_instance;

  ShSession      *session;      /* (owned) (nullable) */
  ShSceneSummary *summary;      /* (owned) (nullable) the last read */
  GCancellable   *cancellable;  /* (owned) */
  gboolean        reading;
  gboolean        again;        /* refreshed while reading: read once more */
  gboolean        checking;     /* a Check is active */
  gboolean        generating;   /* a Generate is active */

  /* Template widgets */
  GtkWidget      *card;
  GtkLabel       *counts_label;
  GtkLabel       *advice_label;
  GtkButton      *action_button;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ShLibrarySummary, sh_library_summary, GTK_TYPE_WIDGET)

/* One count of the line, kept on one line itself when the line wraps. */
static void
append_count (GString    *line,
              const char *count)
{
  g_auto(GStrv) words = g_strsplit (count, " ", -1);
  g_autofree char *joined = g_strjoinv ("\u00a0", words);

  if (line->len > 0)
    g_string_append (line, " · ");
  g_string_append (line, joined);
}

/**
 * sh_library_summary_format_counts:
 * @summary: a library summary
 *
 * The scenes that were never checked and are not marked generated are not called
 * incomplete: the mirror takes them for not generated only because it has not asked
 * Stash yet. They are counted apart, as unknown, while there are any.
 *
 * Returns: (transfer full): “20,000 scenes · 0 checked · 18,000 complete · 2,000
 *   incomplete · 3 failing”, with the locale's thousands separators
 */
char *
sh_library_summary_format_counts (const ShSceneSummary *summary)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *scenes = NULL;
  g_autofree char *checked = NULL;
  g_autofree char *complete = NULL;
  g_autofree char *incomplete = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *failing = NULL;
  guint64 known_incomplete;

  g_return_val_if_fail (summary != NULL, NULL);

  known_incomplete = summary->incomplete - MIN (summary->incomplete_unchecked,
                                                summary->incomplete);

  /* Translators: %'lu is a number of scenes, with thousands separators */
  scenes = g_strdup_printf (ngettext ("%'lu scene", "%'lu scenes", summary->scenes),
                            (gulong) summary->scenes);
  /* Translators: of the library's scenes, %'lu a Check has seen */
  checked = g_strdup_printf (_("%'lu checked"), (gulong) summary->checked);
  /* Translators: of the library's scenes, %'lu have all their generated media */
  complete = g_strdup_printf (_("%'lu complete"), (gulong) summary->complete);
  /* Translators: of the library's scenes, %'lu are known to lack some generated media */
  incomplete = g_strdup_printf (_("%'lu incomplete"), (gulong) known_incomplete);
  /* Translators: of the library's scenes, %'lu whose media StashHog does not know: no
   * Check has asked Stash about them */
  unknown = g_strdup_printf (_("%'lu unknown"), (gulong) summary->incomplete_unchecked);
  /* Translators: of the library's scenes, %'lu fail to generate again and again */
  failing = g_strdup_printf (_("%'lu failing"), (gulong) summary->failing);

  append_count (line, scenes);
  append_count (line, checked);
  append_count (line, complete);
  append_count (line, incomplete);
  if (summary->incomplete_unchecked > 0)
    append_count (line, unknown);
  append_count (line, failing);

  return g_string_free (g_steal_pointer (&line), FALSE);
}

static ShLibraryStep
step_of (const ShSceneSummary *summary)
{
  if (summary == NULL || summary->scenes == 0)
    return SH_LIBRARY_STEP_NONE;
  if (summary->checked < summary->scenes)
    return SH_LIBRARY_STEP_CHECK;
  if (summary->incomplete > 0)
    return SH_LIBRARY_STEP_GENERATE;
  return SH_LIBRARY_STEP_COMPLETE;
}

static char *
dup_advice (const ShSceneSummary *summary)
{
  guint64 unchecked = summary->scenes - MIN (summary->checked, summary->scenes);
  g_autofree char *count = NULL;
  g_autofree char *first = NULL;
  g_autofree char *failing = NULL;

  switch (step_of (summary))
    {
    case SH_LIBRARY_STEP_CHECK:
      if (summary->checked == 0)
        return g_strdup (_("StashHog does not know yet which of these scenes already have "
                           "their media in Stash. Check Media asks Stash, without generating "
                           "anything."));
      count = sh_format_count (unchecked);
      /* Translators: %s is a number of scenes, with thousands separators */
      return g_strdup_printf (ngettext ("%s scene was never checked: StashHog does not know "
                                        "yet whether Stash has its media. Check Media asks "
                                        "Stash, without generating anything.",
                                        "%s scenes were never checked: StashHog does not "
                                        "know yet whether Stash has their media. Check Media "
                                        "asks Stash, without generating anything.",
                                        unchecked),
                              count);

    case SH_LIBRARY_STEP_GENERATE:
      count = sh_format_count (summary->incomplete);
      /* Translators: %s is a number of scenes, with thousands separators */
      first = g_strdup_printf (ngettext ("%s scene lacks some of its generated media.",
                                         "%s scenes lack some of their generated media.",
                                         summary->incomplete),
                               count);
      if (summary->failing == 0)
        return g_steal_pointer (&first);
      g_clear_pointer (&count, g_free);
      count = sh_format_count (summary->failing);
      /* Translators: %s is a number of scenes, with thousands separators */
      failing = g_strdup_printf (ngettext ("%s scene keeps failing to generate and is left "
                                           "out of whole-library runs.",
                                           "%s scenes keep failing to generate and are left "
                                           "out of whole-library runs.",
                                           summary->failing),
                                 count);
      /* Translators: two sentences, one after the other */
      return g_strdup_printf (_("%s %s"), first, failing);

    case SH_LIBRARY_STEP_COMPLETE:
      return g_strdup (_("Every scene has its generated media."));

    case SH_LIBRARY_STEP_NONE:
    default:
      return NULL;
    }
}

static void
sh_library_summary_update (ShLibrarySummary *self)
{
  ShLibraryStep step = step_of (self->summary);
  g_autofree char *counts = NULL;
  g_autofree char *advice = NULL;
  GtkWidget *button = GTK_WIDGET (self->action_button);

  gtk_widget_set_visible (GTK_WIDGET (self), step != SH_LIBRARY_STEP_NONE);
  if (step == SH_LIBRARY_STEP_NONE)
    return;

  counts = sh_library_summary_format_counts (self->summary);
  advice = dup_advice (self->summary);
  gtk_label_set_label (self->counts_label, counts);
  gtk_label_set_label (self->advice_label, advice);

  /* The step under way already: said so, and not offered twice. */
  if ((step == SH_LIBRARY_STEP_CHECK && self->checking) ||
      (step == SH_LIBRARY_STEP_GENERATE && self->generating))
    {
      g_autofree char *running = NULL;

      running = g_strdup_printf ("%s %s", advice,
                                 self->checking ? _("A Check is running; the counts follow "
                                                    "when it ends.")
                                                : _("A Generate is running; the counts "
                                                    "follow when it ends."));
      gtk_label_set_label (self->advice_label, running);
    }
  gtk_widget_set_sensitive (button, !((step == SH_LIBRARY_STEP_CHECK && self->checking) ||
                                      (step == SH_LIBRARY_STEP_GENERATE && self->generating)));

  gtk_widget_set_visible (button, step != SH_LIBRARY_STEP_COMPLETE);
  gtk_widget_remove_css_class (button, "suggested-action");
  if (step == SH_LIBRARY_STEP_CHECK)
    {
      gtk_button_set_label (self->action_button, _("_Check Media"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.check-media");
      gtk_widget_add_css_class (button, "suggested-action");
    }
  else if (step == SH_LIBRARY_STEP_GENERATE)
    {
      gtk_button_set_label (self->action_button, _("_Generate Missing Media"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.generate");
      /* Only the failing scenes left: worth a look, not the obvious next step. */
      if (self->summary->incomplete > self->summary->failing)
        gtk_widget_add_css_class (button, "suggested-action");
    }
}

static void
summarize_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ShLibrarySummary) self = user_data;
  g_autoptr(ShSceneSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = sh_scene_store_summarize_finish (SH_SCENE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->reading = FALSE;
  if (summary == NULL)
    /* The database comes back (the window says so meanwhile) and is read again then. */
    g_debug ("Could not summarize the library: %s", error->message);
  else
    {
      g_clear_pointer (&self->summary, sh_scene_summary_free);
      self->summary = g_steal_pointer (&summary);
      sh_library_summary_update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
    }

  if (self->again)
    {
      self->again = FALSE;
      sh_library_summary_refresh (self);
    }
}

/**
 * sh_library_summary_refresh:
 * @self: a #ShLibrarySummary
 *
 * Reads the counts again. While a read is under way, one more follows it, so that what
 * changed meanwhile is seen.
 */
void
sh_library_summary_refresh (ShLibrarySummary *self)
{
  ShSceneStore *store;

  g_return_if_fail (SH_IS_LIBRARY_SUMMARY (self));

  store = self->session != NULL ? sh_session_get_scene_store (self->session) : NULL;
  if (store == NULL)
    return;

  if (self->reading)
    {
      self->again = TRUE;
      return;
    }

  self->reading = TRUE;
  sh_scene_store_summarize_async (store, sh_session_get_server_id (self->session), NULL, 0,
                                  self->cancellable, summarize_cb, g_object_ref (self));
}

/**
 * sh_library_summary_set_running:
 * @self: a #ShLibrarySummary
 * @checking: whether a Check is active
 * @generating: whether a Generate is active
 *
 * Tells the summary which jobs run, so that it does not offer to start one of them again.
 */
void
sh_library_summary_set_running (ShLibrarySummary *self,
                                gboolean          checking,
                                gboolean          generating)
{
  g_return_if_fail (SH_IS_LIBRARY_SUMMARY (self));

  checking = !!checking;
  generating = !!generating;
  if (self->checking == checking && self->generating == generating)
    return;

  self->checking = checking;
  self->generating = generating;
  sh_library_summary_update (self);
}

/**
 * sh_library_summary_set_session:
 * @self: a #ShLibrarySummary
 * @session: (nullable): the session whose library to summarize
 */
void
sh_library_summary_set_session (ShLibrarySummary *self,
                                ShSession        *session)
{
  g_return_if_fail (SH_IS_LIBRARY_SUMMARY (self));
  g_return_if_fail (session == NULL || SH_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->reading = FALSE;
  self->again = FALSE;
  g_clear_pointer (&self->summary, sh_scene_summary_free);
  sh_library_summary_update (self);

  sh_library_summary_refresh (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

/**
 * sh_library_summary_get_session:
 * @self: a #ShLibrarySummary
 *
 * Returns: (transfer none) (nullable): the session
 */
ShSession *
sh_library_summary_get_session (ShLibrarySummary *self)
{
  g_return_val_if_fail (SH_IS_LIBRARY_SUMMARY (self), NULL);

  return self->session;
}

/**
 * sh_library_summary_get_summary:
 * @self: a #ShLibrarySummary
 *
 * Returns: (transfer none) (nullable): the counts shown, %NULL before the first read
 */
const ShSceneSummary *
sh_library_summary_get_summary (ShLibrarySummary *self)
{
  g_return_val_if_fail (SH_IS_LIBRARY_SUMMARY (self), NULL);

  return self->summary;
}

/**
 * sh_library_summary_get_step:
 * @self: a #ShLibrarySummary
 *
 * Returns: what the summary offers to do next
 */
ShLibraryStep
sh_library_summary_get_step (ShLibrarySummary *self)
{
  g_return_val_if_fail (SH_IS_LIBRARY_SUMMARY (self), SH_LIBRARY_STEP_NONE);

  return step_of (self->summary);
}

/**
 * sh_library_summary_new:
 *
 * Returns: (transfer full): a new summary, hidden until it has a library to show
 */
GtkWidget *
sh_library_summary_new (void)
{
  return g_object_new (SH_TYPE_LIBRARY_SUMMARY, NULL);
}

static void
sh_library_summary_dispose (GObject *object)
{
  ShLibrarySummary *self = SH_LIBRARY_SUMMARY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_LIBRARY_SUMMARY);

  G_OBJECT_CLASS (sh_library_summary_parent_class)->dispose (object);
}

static void
sh_library_summary_finalize (GObject *object)
{
  ShLibrarySummary *self = SH_LIBRARY_SUMMARY (object);

  g_clear_pointer (&self->summary, sh_scene_summary_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sh_library_summary_parent_class)->finalize (object);
}

static void
sh_library_summary_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ShLibrarySummary *self = SH_LIBRARY_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_SUMMARY:
      g_value_set_boxed (value, self->summary);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_library_summary_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ShLibrarySummary *self = SH_LIBRARY_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      sh_library_summary_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_library_summary_class_init (ShLibrarySummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sh_library_summary_dispose;
  object_class->finalize = sh_library_summary_finalize;
  object_class->get_property = sh_library_summary_get_property;
  object_class->set_property = sh_library_summary_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SH_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * ShLibrarySummary:summary:
   *
   * The counts shown; notified after every read.
   */
  properties[PROP_SUMMARY] =
    g_param_spec_boxed ("summary", NULL, NULL,
                        SH_TYPE_SCENE_SUMMARY,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/sh-library-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, ShLibrarySummary, card);
  gtk_widget_class_bind_template_child (widget_class, ShLibrarySummary, counts_label);
  gtk_widget_class_bind_template_child (widget_class, ShLibrarySummary, advice_label);
  gtk_widget_class_bind_template_child (widget_class, ShLibrarySummary, action_button);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "library-summary");
}

static void
sh_library_summary_init (ShLibrarySummary *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
