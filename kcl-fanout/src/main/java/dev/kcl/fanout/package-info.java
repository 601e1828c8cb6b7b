/**
 * Enhanced fan-out retrieval: {@link dev.kcl.fanout.FanOut#retrieval(String)} for {@code Worker.builder().retrieval(...)},
 * consumer registration, and SubscribeToShard over HTTP/2 with back-pressure and resubscription.
 */
package dev.kcl.fanout;
