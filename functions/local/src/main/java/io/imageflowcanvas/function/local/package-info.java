/**
 * Every registered function and an in-process S3 server on one machine (LocalFunctions), their settings, and where
 * the installation is (its built-in assets are found from there, never from the working folder).
 */
package io.imageflowcanvas.function.local;
