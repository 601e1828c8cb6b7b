package dev.kcl.leases.memory;

import dev.kcl.leases.LeaseTable;
import dev.kcl.leases.LeaseTableContract;
import dev.kcl.leases.WorkerRegistry;
import org.junit.jupiter.api.BeforeEach;

class InMemoryLeaseTableTest extends LeaseTableContract {
    private InMemoryLeaseTable table;

    @BeforeEach
    void setUp() {
        table = new InMemoryLeaseTable();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T extends LeaseTable & WorkerRegistry> T table() {
        return (T) table;
    }
}
