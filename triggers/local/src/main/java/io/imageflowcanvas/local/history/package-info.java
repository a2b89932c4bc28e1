/**
 * The run history (embedded H2 or PostgreSQL): runs and steps, owners and leases, writes kept while the database
 * is away.
 */
package io.imageflowcanvas.local.history;
