<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an RSS 2.0 or Atom 1.0 feed as a readable page when opened in a browser.
     Feed readers ignore the stylesheet and read the XML as usual. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="UTF-8" indent="yes"/>
  <xsl:template match="/">
    <html lang="vi">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/></title>
        <style>
          body{margin:0 auto;max-width:48rem;padding:1rem;font:16px/1.55 system-ui,sans-serif;color:#1d1d1f}
          .hint{background:#fff7e0;border:1px solid #e8d38a;padding:.75rem 1rem;border-radius:4px}
          code{overflow-wrap:anywhere}
          li{margin:.6rem 0}
          .meta{color:#666;font-size:.85rem}
        </style>
      </head>
      <body>
        <p class="hint">Đây là nguồn tin (feed). Sao chép địa chỉ trang này vào trình đọc tin
          (Feedly, Inoreader, NetNewsWire, newsboat…) để theo dõi.</p>
        <h1><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/></h1>
        <p><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
        <ul>
          <xsl:for-each select="rss/channel/item">
            <li>
              <a href="{link}"><xsl:value-of select="title"/></a>
              <div class="meta"><xsl:value-of select="pubDate"/></div>
            </li>
          </xsl:for-each>
          <xsl:for-each select="atom:feed/atom:entry">
            <li>
              <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
              <div class="meta"><xsl:value-of select="atom:published"/></div>
            </li>
          </xsl:for-each>
        </ul>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
