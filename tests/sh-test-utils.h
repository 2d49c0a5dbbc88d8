/* sh-test-utils.h
 *
 * SPDX-FileCopyrightText: 2026 The StashHog authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sh-database.h"
#include "sh-job-store.h"

G_BEGIN_DECLS

void          sh_test_store_result  (GObject        *object,
                                     GAsyncResult   *result,
                                     gpointer        user_data);
GAsyncResult *sh_test_await         (GAsyncResult  **slot);
const char   *sh_test_postgres_url  (void);
void          sh_test_reset_postgres (void);
ShDatabase   *sh_test_open_database (gboolean        postgres,
                                     const char     *sqlite_path);
ShJobRecord  *sh_test_get_job_record (ShJobStore    *store,
                                      const char    *id);

void          sh_test_allow_language_switch (void);
void          sh_test_set_language          (const char *language);

G_END_DECLS
