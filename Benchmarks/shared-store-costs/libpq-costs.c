// What a task process pays to reach PostgreSQL through libpq: dlopen of libpq (and the libraries it
// brings), one connection, one statement. Run by ./run against the test server (scripts/servers).
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
int main(int c,char**v){double t0=now();void*l=dlopen("libpq.so.5",RTLD_NOW|RTLD_LOCAL);double t1=now();
void*(*con)(const char*)=dlsym(l,"PQconnectdb");int(*st)(void*)=dlsym(l,"PQstatus");void*cn=con(v[1]);double t2=now();
void*(*ex)(void*,const char*)=dlsym(l,"PQexec");ex(cn,"SELECT 1");double t3=now();
printf("dlopen %.2f ms, connect %.2f ms (status %d), query %.2f ms\n",t1-t0,t2-t1,st(cn),t3-t2);}
