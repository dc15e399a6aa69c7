from django.http import HttpResponse


def unit_list(request):
    return HttpResponse("")


unit_create = staff_list = staff_create = unit_list
