package dev.kcl;

/** The shard now belongs to another worker; there is nothing to checkpoint with. */
public record LeaseLostInput() {}
