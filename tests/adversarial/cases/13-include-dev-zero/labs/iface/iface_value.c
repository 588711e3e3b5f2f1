/*
 * #include "/dev/zero": the preprocessor reads an endless file. The compile
 * must end (out of memory or out of time) as a build error, and the grader
 * must go on.
 */
#include "/dev/zero"
