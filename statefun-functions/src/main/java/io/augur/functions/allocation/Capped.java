package io.augur.functions.allocation;

import java.util.List;

/**
 * An allocation after capping by a node's availability, with a reason for each cap applied.
 *
 * @param allocation the capped allocation
 * @param reasons one reason per resource that was capped (empty when nothing was)
 */
public record Capped(Allocation allocation, List<String> reasons) {

    public Capped {
        reasons = List.copyOf(reasons);
    }
}
