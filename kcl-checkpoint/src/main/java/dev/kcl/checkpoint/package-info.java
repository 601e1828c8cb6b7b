/**
 * Checkpoints: the typed {@link dev.kcl.checkpoint.Checkpoint} and its KCL-compatible stored form, and
 * {@link dev.kcl.checkpoint.ShardCheckpointer}, the validated, fenced {@link dev.kcl.Checkpointer} of one shard.
 */
package dev.kcl.checkpoint;
