/**
 * Live metrics: the metrics object (event counts of the whole store, this node's connections
 * and traffic), broadcast as {@code metrics_update} by a non-persistent EJB interval timer,
 * and the snapshot a polling client needs.
 * <p>
 * The counts come from the store at each tick, so they match it on every node; the ticker
 * serializes one frame per tick and the hub sends that same frame to every connection.
 */
package io.livehub.metrics;
