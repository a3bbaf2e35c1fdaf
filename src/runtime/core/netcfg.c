/* berth-netcfg - give a network namespace's interface its endpoint: MAC, IPv4 address, up, and
 * optionally the default route. What `nsenter --net=NSFILE ip -batch -` did for a pooled sandbox
 * (sandbox-pool.ts), in one static process instead of two dynamically linked ones.
 *
 *   berth-netcfg NSFILE IFNAME MAC ADDRESS/PREFIX [GATEWAY]
 *
 * Same requests as iproute2's `link set IF address MAC`, `addr add A/P dev IF`, `link set IF up`
 * and `route replace default via GW dev IF`. Errors: "berth-netcfg: <step> `<object>`: <reason>",
 * exit status 1. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int nl = -1;
static unsigned seq;

static int fail(const char *step, const char *obj, int err) {
  fprintf(stderr, "berth-netcfg: %s `%s`: %s\n", step, obj, strerror(err));
  return 1;
}

typedef struct {
  struct nlmsghdr h;
  char body[256];
} req_t;

static void attr(req_t *r, unsigned short type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Send one request and read its acknowledgement: 0, or the kernel's errno. */
static int talk(req_t *r) {
  r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  r->h.nlmsg_seq = ++seq;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(nl, r, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return errno;
  char buf[4096];
  for (;;) {
    ssize_t got = recv(nl, buf, sizeof buf, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    unsigned n = (unsigned)got;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != r->h.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR) continue;
      const struct nlmsgerr *e = NLMSG_DATA(h);
      return -e->error;
    }
  }
}

/* A fresh request of `type` whose fixed header (`body` bytes) follows; returns that header. */
static void *msg_req(req_t *r, unsigned short type, unsigned short flags, size_t body) {
  memset(r, 0, sizeof *r);
  r->h.nlmsg_len = NLMSG_LENGTH(body);
  r->h.nlmsg_type = type;
  r->h.nlmsg_flags = flags;
  return NLMSG_DATA(&r->h);
}

static void link_req(req_t *r, int index, unsigned flags, unsigned change) {
  struct ifinfomsg *i = msg_req(r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
  i->ifi_family = AF_UNSPEC;
  i->ifi_index = index;
  i->ifi_flags = flags;
  i->ifi_change = change;
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: berth-netcfg NSFILE IFNAME MAC ADDRESS/PREFIX [GATEWAY]\n");
    return 2;
  }
  const char *nsfile = argv[1], *ifname = argv[2], *macs = argv[3], *cidr = argv[4], *gws = argc == 6 ? argv[5] : NULL;
  unsigned char mac[6];
  if (sscanf(macs, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) != 6)
    return fail("parse", macs, EINVAL);
  char ip[64];
  const char *slash = strchr(cidr, '/');
  char *end = NULL;
  long prefix = slash ? strtol(slash + 1, &end, 10) : -1;
  if (!slash || (size_t)(slash - cidr) >= sizeof ip || !end || *end || prefix < 0 || prefix > 32) return fail("parse", cidr, EINVAL);
  memcpy(ip, cidr, (size_t)(slash - cidr));
  ip[slash - cidr] = 0;
  struct in_addr addr, gw;
  if (inet_pton(AF_INET, ip, &addr) != 1) return fail("parse", cidr, EINVAL);
  if (gws && inet_pton(AF_INET, gws, &gw) != 1) return fail("parse", gws, EINVAL);

  int fd = open(nsfile, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("open", nsfile, errno);
  if (setns(fd, CLONE_NEWNET) < 0) return fail("setns", nsfile, errno);
  close(fd);
  /* made after setns: the socket talks to the namespace's own routing */
  nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (nl < 0) return fail("socket", "netlink", errno);
  int index = (int)if_nametoindex(ifname);
  if (index == 0) return fail("link", ifname, errno);

  req_t r;
  int err;
  link_req(&r, index, 0, 0);
  attr(&r, IFLA_ADDRESS, mac, sizeof mac);
  if ((err = talk(&r)) != 0) return fail("set address of", ifname, err);

  struct ifaddrmsg *a = msg_req(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg));
  a->ifa_family = AF_INET;
  a->ifa_prefixlen = (unsigned char)prefix;
  a->ifa_index = (unsigned)index;
  attr(&r, IFA_LOCAL, &addr, sizeof addr);
  attr(&r, IFA_ADDRESS, &addr, sizeof addr);
  if ((err = talk(&r)) != 0) return fail("add address", cidr, err);

  link_req(&r, index, IFF_UP, IFF_UP);
  if ((err = talk(&r)) != 0) return fail("set up", ifname, err);

  if (gws) {
    struct rtmsg *rt = msg_req(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, sizeof(struct rtmsg));
    rt->rtm_family = AF_INET;
    rt->rtm_table = RT_TABLE_MAIN;
    rt->rtm_protocol = RTPROT_BOOT;
    rt->rtm_scope = RT_SCOPE_UNIVERSE;
    rt->rtm_type = RTN_UNICAST;
    attr(&r, RTA_GATEWAY, &gw, sizeof gw);
    attr(&r, RTA_OIF, &index, sizeof index);
    if ((err = talk(&r)) != 0) return fail("add default route via", gws, err);
  }
  return 0;
}
