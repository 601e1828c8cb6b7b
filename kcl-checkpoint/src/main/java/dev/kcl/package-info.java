/**
 * The kcl public API. This module ({@code kcl-checkpoint}) holds the part that checkpointing needs: the
 * {@link dev.kcl.Checkpointer}, {@link dev.kcl.KinesisRecord} and the exceptions; {@code kcl-core} adds the
 * processor interfaces and the {@code Worker} to the same package.
 */
package dev.kcl;
