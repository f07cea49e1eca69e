from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='mailpreference',
            name='language',
            field=models.CharField(blank=True, max_length=15, verbose_name='language of mails'),
        ),
    ]
