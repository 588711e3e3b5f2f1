/*
 * #include "/etc/shadow": the compiler must not see the host's /etc/shadow,
 * and no byte of it may reach the build log or the report.
 */
#include "/etc/shadow"
