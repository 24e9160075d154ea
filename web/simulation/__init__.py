"""`terugkeer simulate`: realistic cases through the real engine with a simulated clock."""
