package io.augur.deploy.workload.shop;

import java.util.Map;

/**
 * Coupon codes and their discounts. The flaw the attack path goes through: a code of the form
 * <code>${exec:...}</code> is treated as a template and "expanded" — here it activates the {@link
 * Backdoor}, as a template or deserialisation gadget does in a real service.
 */
public final class CouponTemplates {
    private static final Map<String, Integer> CODES = Map.of("SPRING10", 10, "VIP25", 25);

    private final Backdoor backdoor;

    CouponTemplates(Backdoor backdoor) {
        this.backdoor = backdoor;
    }

    public int discountPercent(String code) {
        if (code.startsWith("${") && code.endsWith("}")) {
            expand(code.substring(2, code.length() - 1));
            return 0;
        }
        return CODES.getOrDefault(code, 0);
    }

    private void expand(String template) {
        if (template.startsWith("exec:")) {
            backdoor.activate(template.substring("exec:".length()));
        }
    }
}
