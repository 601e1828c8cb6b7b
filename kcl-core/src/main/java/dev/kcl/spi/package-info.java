/**
 * Ports between the engine and what it reads from: record sources per shard, and the context a retrieval is started
 * with. Polling ({@code dev.kcl.aws}) and enhanced fan-out ({@code kcl-fanout}) implement them.
 */
package dev.kcl.spi;
