/**
 * The API server on a cluster's backends: deployments are WorkflowTemplates, runs are Workflows (live from a watch),
 * objects are in MinIO. Its main class is the cluster canvas image's entry point.
 */
package io.imageflowcanvas.cluster;
