/**
 * Errors of the REST API as RFC 9457 {@code application/problem+json}: every failure a client
 * can cause answers 4xx with a detail that names the field at fault; anything unexpected is
 * logged here and answers a bare 500 problem, never a stack trace or a class name.
 */
package io.livehub.problems;
