/**
 * The imageflow command: one class per subcommand, exit codes that say whether trying again can help.
 */
package io.imageflowcanvas.cli;
