/**
 * Auto-configuration of web routing: the servlet filter, route overrides and the pin cookie.
 */
@NullMarked
package io.peerpool.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
