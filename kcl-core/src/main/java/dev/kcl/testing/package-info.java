/**
 * For unit-testing your {@link dev.kcl.RecordProcessor} without AWS: {@link dev.kcl.testing.ProcessorHarness} drives
 * its lifecycle, {@link dev.kcl.testing.RecordingCheckpointer} validates and records checkpoints as the real one
 * does, and {@link dev.kcl.testing.TestRecords} builds records from plain values.
 */
package dev.kcl.testing;
