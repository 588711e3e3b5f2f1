/*
 * gc_trace.c — recording a small heap's cycle and replaying it as HTML.
 *
 * While tracing, every interesting moment (a cycle begins, the roots are
 * scanned, an object is scanned, the barrier shades, an allocation, the
 * sweep ends) appends a frame: each object's number, color and children,
 * the roots, the highlighted object and a sentence. gc_trace_html writes
 * one page with the frames as data and a few lines of script that draw
 * them on a canvas — no file or address outside the page is referenced.
 *
 * Interface: gc_trace_start → (gc__trace_frame from the collector) … →
 * gc_trace_html(h, path).
 */
#include "gc_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_MAX_OBJECTS 64
#define TRACE_MAX_FRAMES 4000
#define TRACE_MAX_IDS 1024

#if LAB_SOLUTION

struct gc_trace {
    const gc_obj_t *ids[TRACE_MAX_IDS]; /* object number i+1 is ids[i] */
    unsigned nids;
    char *buf;                     /* the frames as JSON array elements */
    size_t len, cap;
    size_t nframes;
    bool oom;
};

int gc_trace_start(gc_heap_t *h)
{
    if (h->trace)
        return 0;
    h->trace = calloc(1, sizeof *h->trace);
    return h->trace ? 0 : gc__fail(h, -ENOMEM, "gc_trace_start: out of memory");
}

unsigned gc__trace_id(gc_heap_t *h, const gc_obj_t *o)
{
    struct gc_trace *t = h->trace;
    if (!t)
        return 0;
    /* Numbered by address: a slot reused after a free keeps its number. */
    for (unsigned i = t->nids; i-- > 0;)
        if (t->ids[i] == o)
            return i + 1;
    if (t->nids == TRACE_MAX_IDS)
        return 0;
    t->ids[t->nids++] = o;
    return t->nids;
}

void gc__trace_free(gc_heap_t *h)
{
    if (h->trace)
        free(h->trace->buf);
    free(h->trace);
    h->trace = NULL;
}

/* Appends formatted text to the trace buffer. */
static void put(struct gc_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct gc_trace *t, const char *fmt, ...)
{
    for (int tries = 0; tries < 2 && !t->oom; tries++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n >= 0 && t->buf && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t ncap = (t->cap ? t->cap * 2 : 4096) + (size_t)n;
        char *p = realloc(t->buf, ncap);
        if (!p)
            t->oom = true;
        else {
            t->buf = p;
            t->cap = ncap;
        }
    }
}

static void frame_object(gc_heap_t *h, gc_obj_t *o, void *ctx)
{
    (void)h;
    struct gc_trace *t = ctx;
    put(t, "[%u,%d,[", gc__trace_id(h, o), gc__color(o));
    for (size_t i = 0, n = 0; i < gc__type(o)->nptrs; i++) {
        void *p = *gc__field(o, i);
        if (p)
            put(t, "%s%u", n++ ? "," : "", gc__trace_id(h, gc__hdr(p)));
    }
    put(t, "]],");
}

static void frame_roots(gc_heap_t *h, struct gc_trace *t)
{
    size_t n = 0;
    for (size_t i = 0; i < h->nglobals; i++)
        if (*h->globals[i])
            put(t, "%s%u", n++ ? "," : "", gc__trace_id(h, gc__hdr(*h->globals[i])));
    for (size_t i = 0; i < h->nstack; i++)
        if (*h->stack[i])
            put(t, "%s%u", n++ ? "," : "", gc__trace_id(h, gc__hdr(*h->stack[i])));
}

void gc__trace_frame(gc_heap_t *h, gc_obj_t *hl, const char *fmt, ...)
{
    struct gc_trace *t = h->trace;
    if (!t || h->heap_objects > TRACE_MAX_OBJECTS || t->nframes >= TRACE_MAX_FRAMES)
        return;
    char note[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
    for (char *c = note; *c; c++)
        if (*c == '"' || *c == '\\' || *c == '<')
            *c = '\'';
    static const char *phases[] = {"idle", "mark", "sweep"};
    put(t, "%s{\"n\":\"%s\",\"p\":\"%s\",\"h\":%u,\"o\":[", t->nframes ? ",\n" : "", note,
        phases[h->phase], hl ? gc__trace_id(h, hl) : 0);
    gc__each_object(h, frame_object, t);
    if (t->buf && t->buf[t->len - 1] == ',')
        t->len--;
    put(t, "],\"r\":[");
    frame_roots(h, t);
    put(t, "]}");
    t->nframes++;
}

/* The page around the frames: a canvas, four buttons, the drawing code. */
static const char page_head[] =
    "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>gc: one cycle</title>\n"
    "<style>body{font:14px sans-serif;margin:1em}canvas{border:1px solid #ccc}"
    "#note{height:1.5em;margin:.5em 0}.k{display:inline-block;width:12px;height:12px;"
    "border:1px solid #000;margin:0 4px 0 12px}</style></head><body>\n"
    "<h3>tri-color mark and sweep, frame by frame</h3>\n"
    "<div>legend:<span class='k' style='background:#fff'></span>white (not seen)"
    "<span class='k' style='background:#aaa'></span>grey (seen, fields unscanned)"
    "<span class='k' style='background:#222'></span>black (scanned)"
    "<span class='k' style='background:#fff;border:3px solid #e60'></span>this frame's object"
    "</div>\n<div><button id='prev'>&lt; prev</button> <button id='play'>play</button> "
    "<button id='next'>next &gt;</button> <span id='pos'></span> phase: <b id='phase'></b>"
    "</div>\n<div id='note'></div><canvas id='c' width='900' height='520'></canvas>\n"
    "<script>\nconst frames=[\n";

static const char page_tail[] =
    "];\n"
    "const cv=document.getElementById('c'),g=cv.getContext('2d');\n"
    "const pos={};let col=1;\n"
    "/* stable layout: an object's column is its depth from the roots the first time it is seen */\n"
    "for(const f of frames){const kids={};for(const o of f.o)kids[o[0]]=o[2];\n"
    " let layer=f.r.slice(),d=1,seen={};while(layer.length){const nx=[];for(const s of layer){\n"
    "  if(seen[s])continue;seen[s]=1;if(!(s in pos)){pos[s]={d:d};}for(const k of kids[s]||[])nx.push(k);}\n"
    "  layer=nx;d++;}\n"
    " for(const o of f.o)if(!(o[0] in pos))pos[o[0]]={d:0};}\n"
    "const cols={};for(const s of Object.keys(pos).map(Number).sort((a,b)=>a-b)){const d=pos[s].d;\n"
    " cols[d]=(cols[d]||0)+1;pos[s].x=40+d*110;pos[s].y=30+cols[d]*56;}\n"
    "const fill=['#fff','#aaa','#222'];let i=0,timer=null;\n"
    "function arrow(a,b){const dx=b.x-a.x,dy=b.y-a.y,l=Math.hypot(dx,dy)||1,ux=dx/l,uy=dy/l;\n"
    " const sx=a.x+ux*17,sy=a.y+uy*17,ex=b.x-ux*17,ey=b.y-uy*17;g.beginPath();g.moveTo(sx,sy);\n"
    " g.lineTo(ex,ey);g.stroke();g.beginPath();g.moveTo(ex,ey);g.lineTo(ex-ux*8-uy*4,ey-uy*8+ux*4);\n"
    " g.lineTo(ex-ux*8+uy*4,ey-uy*8-ux*4);g.closePath();g.fill();}\n"
    "function draw(){const f=frames[i];g.clearRect(0,0,cv.width,cv.height);\n"
    " g.fillStyle='#333';g.fillText('roots',10,20);g.strokeStyle='#555';g.fillStyle='#555';\n"
    " const root={x:30,y:30};for(const r of f.r)if(pos[r])arrow(root,pos[r]);\n"
    " for(const o of f.o)for(const k of o[2])if(pos[k])arrow(pos[o[0]],pos[k]);\n"
    " for(const o of f.o){const p=pos[o[0]];g.beginPath();g.arc(p.x,p.y,16,0,7);\n"
    "  g.fillStyle=fill[o[1]]||'#f00';g.fill();g.lineWidth=o[0]===f.h?4:1;\n"
    "  g.strokeStyle=o[0]===f.h?'#e60':'#000';g.stroke();g.lineWidth=1;\n"
    "  g.fillStyle=o[1]===2?'#fff':'#000';g.fillText('#'+o[0],p.x-9,p.y+4);}\n"
    " document.getElementById('note').textContent=f.n;\n"
    " document.getElementById('phase').textContent=f.p;\n"
    " document.getElementById('pos').textContent='frame '+(i+1)+' / '+frames.length;}\n"
    "function go(d){i=Math.max(0,Math.min(frames.length-1,i+d));draw();}\n"
    "document.getElementById('prev').onclick=()=>go(-1);\n"
    "document.getElementById('next').onclick=()=>go(1);\n"
    "document.getElementById('play').onclick=()=>{if(timer){clearInterval(timer);timer=null;return;}\n"
    " timer=setInterval(()=>{if(i>=frames.length-1){clearInterval(timer);timer=null;}else go(1);},700);};\n"
    "g.font='12px sans-serif';draw();\n"
    "</script></body></html>\n";

int gc_trace_html(gc_heap_t *h, const char *path)
{
    struct gc_trace *t = h->trace;
    if (!t || !t->nframes || t->oom)
        return gc__fail(h, -EINVAL, "gc_trace_html: no frames recorded (call gc_trace_start "
                                    "first; at most %d objects)", TRACE_MAX_OBJECTS);
    FILE *f = fopen(path, "w");
    if (!f)
        return gc__fail(h, -errno, "gc_trace_html: cannot open '%s': %s", path, strerror(errno));
    fputs(page_head, f);
    fwrite(t->buf, 1, t->len, f);
    fputs(page_tail, f);
    if (fclose(f) != 0)
        return gc__fail(h, -errno, "gc_trace_html: cannot write '%s': %s", path, strerror(errno));
    return 0;
}

#else /* stub */

int gc_trace_start(gc_heap_t *h)
{
    (void)h;
    return -ENOSYS;
}

int gc_trace_html(gc_heap_t *h, const char *path)
{
    (void)h, (void)path;
    return -ENOSYS;
}

#endif
