/* Among ready cases select picks uniformly at random: over 40000 selects on
 * four always-ready channels each case wins 10000 ± 1000 times (the
 * standard deviation is 87; a fixed or biased order falls far outside). */
#include "conf.h"

CONF_CASE(select_uniform_choice) {
    chan_t *chs[4];
    for (int i = 0; i < 4; i++) {
        CONF_OK(chan_make(sizeof(int), 1, &chs[i]));
        chan_send(chs[i], &i);
    }
    int counts[4] = {0}, v;
    for (int n = 0; n < 40000; n++) {
        chan_case_t c[4];
        for (int i = 0; i < 4; i++) c[i] = (chan_case_t){chs[i], CHAN_RECV, &v, false};
        int i = chan_select(c, 4, false);
        counts[v]++;
        chan_send(chs[i], &v);
    }
    for (int i = 0; i < 4; i++)
        printf("case %d within 10000±1000: %s\n", i,
               counts[i] >= 9000 && counts[i] <= 11000 ? "true" : "false");
}
