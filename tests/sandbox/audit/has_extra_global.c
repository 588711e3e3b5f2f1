/* has_extra_global.c — a global helper outside the lab's API. */
int my_hash(int x) { return x * 31; }
int lab_api_function(int x) { return my_hash(x); }
int lab_helper(int x) { return x + 1; }
