/**
 * Backups of a local runner's data folder and their restore: saved pipelines, deployments, the run history and,
 * when asked, the objects with their metadata, each file listed with its checksum in a manifest.
 */
package io.imageflowcanvas.local.backup;
