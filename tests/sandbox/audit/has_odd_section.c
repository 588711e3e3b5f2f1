/* has_odd_section.c — a section of its own name (the test table's, say). */
__attribute__((used, section("ug_test_groups"))) static const void *const fake = 0;
