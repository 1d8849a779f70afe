from django.urls import path

from phoihop.news import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.home, name="home"),
    path("tin-tuc/", views.article_list, name="articles"),
    path("tin-tuc/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("tin-tuc/atom/", feeds.LatestArticlesAtom(), name="feed_atom"),
    path("tin-tuc/<slug:code>/<slug:slug>/", views.article_detail, name="article"),
    path("tin-tuc/<slug:code>/<slug:slug>/in/", views.article_print, name="article_print"),
    path("chuyen-muc/<slug:code>/<slug:slug>/", views.category, name="category"),
    path("chuong-trinh/", views.program_list, name="programs"),
    path("chuong-trinh/<int:pk>/", views.program_detail, name="program"),
    path("media/news/<path:name>", views.media, name="media"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("news/manage/", views.manage, name="manage"),
    path("news/manage/new/", views.manage_new, name="manage_new"),
    path("news/manage/<int:pk>/", views.manage_edit, name="manage_edit"),
    path("news/manage/<int:pk>/status/", views.manage_status, name="manage_status"),
    path("news/manage/<int:pk>/images/", views.manage_image_add, name="manage_image_add"),
    path("news/manage/images/<int:pk>/", views.manage_image, name="manage_image"),
    path("news/manage/categories/", views.manage_categories, name="manage_categories"),
    path("news/manage/categories/<int:pk>/", views.manage_category, name="manage_category"),
]
