/**
 * Talking to a cluster with fabric8: applying and deleting a pipeline's objects, listing and watching its Workflows.
 */
package io.imageflowcanvas.argo.cluster;
