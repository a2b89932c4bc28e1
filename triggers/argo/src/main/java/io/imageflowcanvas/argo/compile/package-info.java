/**
 * The pipeline on a cluster: the compiler to a WorkflowTemplate, EventSources and a Sensor, the namespace's shared
 * objects, the functions' Knative Services rendered from the component registry, and the cluster settings.
 */
package io.imageflowcanvas.argo.compile;
