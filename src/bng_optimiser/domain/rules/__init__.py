"""The allocation rules, one module per rule group: tiers, trading, pricing, holds, delivery."""
